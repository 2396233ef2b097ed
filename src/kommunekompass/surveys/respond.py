"""The respondent's pages: the answer form, by the survey's open link (and QR code) or by a
one-time link from an e-mail, in the survey's language or the one the respondent picks (nb,
nn, sv, en). No account, no cookie of their own, nothing stored that names them.

The open link is protected against floods by django-ratelimit: a limited number of answers per
address and hour (KOMMUNEKOMPASS_SURVEY_ANSWERS_PER_HOUR, 60). The address is only counted in
the cache, never stored with an answer.
"""

from __future__ import annotations

import os

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from kommunekompass.surveys import services
from kommunekompass.surveys.forms import AnswerForm
from kommunekompass.surveys.models import LANGUAGE_CODES, LANGUAGES, Survey

ANSWERS_PER_HOUR = os.environ.get("KOMMUNEKOMPASS_SURVEY_ANSWERS_PER_HOUR", "60")


def _rate(group, request) -> str:
    return f"{ANSWERS_PER_HOUR}/h"


def _language(request, survey) -> str:
    chosen = request.GET.get("lang", "")
    return chosen if chosen in LANGUAGE_CODES else survey.language


def _page(request, template, context, language, status=200):
    with translation.override(language):
        context = {**context, "language": language, "languages": LANGUAGES}
        response = render(request, template, context, status=status)
    response["Content-Language"] = language
    return response


def _answer(request, survey, *, invitation=None, limited=False):
    language = _language(request, survey)
    period = services.open_period_of(survey)
    if period is None:
        return _page(request, "surveys/respond_closed.html", {"survey": survey}, language)
    statements = list(survey.statements.all())
    units = survey.units.all()
    with translation.override(language):
        form = AnswerForm(
            request.POST if request.method == "POST" else None,
            survey=survey,
            statements=statements,
            units=units,
            language=language,
        )
        if request.method == "POST" and limited:
            return _page(
                request,
                "surveys/respond_closed.html",
                {"survey": survey, "limited": True},
                language,
                status=429,
            )
        if request.method == "POST" and form.is_valid():
            try:
                services.submit_response(
                    survey,
                    period,
                    form.cleaned_data["unit"],
                    form.given(),
                    group=form.cleaned_data.get("group") or "",
                    invitation=invitation,
                )
            except services.AlreadyAnswered:
                raise Http404 from None
            return redirect(f"{reverse('surveys:thanks')}?lang={language}")
    return _page(
        request,
        "surveys/respond.html",
        {"survey": survey, "period": period, "form": form, "path": request.path},
        language,
        status=422 if form.is_bound else 200,
    )


@never_cache
@ratelimit(key="ip", rate=_rate, method="POST", block=False, group="surveys.respond_open")
def respond_open(request, token):
    survey = Survey.objects.filter(open_token=token).first()
    if survey is None:
        raise Http404
    return _answer(request, survey, limited=getattr(request, "limited", False))


@never_cache
def respond_invited(request, token):
    invitation = services.invitation_for(token)
    if invitation is None:
        language = request.GET.get("lang", "nb")
        return _page(
            request,
            "surveys/respond_closed.html",
            {"survey": None, "used": True},
            language if language in LANGUAGE_CODES else "nb",
            status=404,
        )
    return _answer(request, invitation.survey, invitation=invitation)


def thanks(request):
    language = request.GET.get("lang", "nb")
    language = language if language in LANGUAGE_CODES else "nb"
    return _page(request, "surveys/respond_thanks.html", {}, language)
