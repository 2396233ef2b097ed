from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render

from kommunekompass.evaluations.access import (
    is_evaluator,
    member_published_evaluations,
    work_visible_evaluations,
)
from kommunekompass.frameworks.models import Framework


def with_related(evaluations):
    return evaluations.select_related("municipality", "framework").defer(
        "framework__document", "framework__source"
    )


@login_required
def home(request):
    return render(
        request,
        "core/home.html",
        {
            "working": with_related(work_visible_evaluations(request.user)).order_by(
                "-year", "municipality__name"
            )[:20],
            "published": with_related(member_published_evaluations(request.user)),
            "can_create": is_evaluator(request.user),
            "frameworks": Framework.objects.defer("document", "source").order_by("key"),
        },
    )


def locked_out(request, original_response=None, credentials=None):
    """The login page with the lockout message (django-axes' AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/login.html",
        {"form": AuthenticationForm(request), "locked_out": True, "lockout_minutes": minutes},
        status=429,
    )
