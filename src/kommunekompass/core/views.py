from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from kommunekompass.frameworks.models import Framework


@login_required
def home(request):
    return render(request, "core/home.html", {"frameworks": Framework.objects.order_by("key")})
