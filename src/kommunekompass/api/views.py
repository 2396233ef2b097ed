"""The pages of the api app: the user's own API tokens, and the open-data files with their
description."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kommunekompass.api import opendata
from kommunekompass.api.models import ApiToken
from kommunekompass.api.tokens import create_token, revoke_token
from kommunekompass.frameworks.models import Framework
from kommunekompass.lib.forms import RefuseControlCharacters


class TokenForm(RefuseControlCharacters, forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “Power BI” or “intranet”."),
    )
    expires = forms.DateField(
        label=gettext_lazy("Expires (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("The token stops working at the start of this day."),
    )

    def clean_expires(self):
        day = self.cleaned_data.get("expires")
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError(_("Choose a day after today."))
        return day


def _expiry(day: datetime.date | None):
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@never_cache
@login_required
def tokens(request):
    """The user's own tokens; a new one is shown once, on the page that made it."""
    form = TokenForm(request.POST or None)
    secret = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _token, secret = create_token(
                request.user, form.cleaned_data["name"], _expiry(form.cleaned_data["expires"])
            )
            form = TokenForm()
        else:
            status = 422
    found = ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "api/tokens.html",
        {"form": form, "secret": secret, "tokens": found, "now": timezone.now()},
        status=status,
    )


@require_POST
@login_required
def revoke(request, pk: int):
    token = revoke_token(request.user, pk)
    if token is None:
        raise Http404(_("No such token."))
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens")


def open_data(request):
    frameworks = Framework.objects.defer("document", "source").order_by("key", "version")
    return render(
        request,
        "api/open_data.html",
        {
            "frameworks": frameworks,
            "columns": opendata.COLUMNS,
            "licence": opendata.LICENCE,
            "publisher": getattr(settings, "OPEN_DATA_PUBLISHER", "Kommunekompass"),
        },
    )


CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def open_data_file(request, name: str, extension: str):
    if extension not in CONTENT_TYPES:
        raise Http404
    framework = next(
        (
            f
            for f in Framework.objects.defer("source").order_by("key", "version")
            if opendata.stem(f) == name
        ),
        None,
    )
    if framework is None:
        raise Http404(_("No such framework."))
    path = opendata.ensure(framework, extension)
    response = FileResponse(
        path.open("rb"),
        content_type=CONTENT_TYPES[extension],
        as_attachment=extension == "csv",
        filename=path.name,
    )
    response["Cache-Control"] = "public, max-age=300"
    return response
