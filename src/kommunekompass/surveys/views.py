"""The owner's pages: the municipality's surveys, building one, running its periods and
invitations, and its results (page and .xlsx). Access -> form -> service -> response."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunekompass.improvement.access import get_municipality
from kommunekompass.surveys import services
from kommunekompass.surveys.access import get_survey
from kommunekompass.surveys.charts import trend_chart
from kommunekompass.surveys.exports import results_workbook
from kommunekompass.surveys.forms import (
    InviteForm,
    PeriodForm,
    SettingsForm,
    StatementForm,
    SurveyForm,
    UnitForm,
    add_errors,
)
from kommunekompass.surveys.models import Survey
from kommunekompass.surveys.results import results_of


@login_required
def survey_list(request, municipality_id):
    municipality, access = get_municipality(request.user, municipality_id, "read")
    surveys = Survey.objects.of(municipality).annotate(respondents=Count("responses"))
    return render(
        request,
        "surveys/survey_list.html",
        {"municipality": municipality, "access": access, "surveys": surveys},
    )


@login_required
def survey_create(request, municipality_id):
    municipality, _access = get_municipality(request.user, municipality_id, "edit")
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = services.create_survey(
                request.user,
                municipality,
                title=data["title"],
                audience=data["audience"],
                template=data["template"],
                language=data["language"],
                threshold=data["threshold"],
                groups=form.group_names(),
            )
            for name in form.unit_names():
                services.add_unit(request.user, survey, name)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The survey is created."))
            return redirect("surveys:detail", pk=survey.pk)
    return render(
        request,
        "surveys/survey_form.html",
        {"municipality": municipality, "form": form},
        status=422 if form.errors else 200,
    )


def _qr(url: str) -> str:
    return segno.make(url, error="m").svg_inline(
        scale=1, border=2, omitsize=True, title=_("QR code of the survey's open link")
    )


def _detail(request, survey, status=200, **forms):
    open_url = request.build_absolute_uri(reverse("surveys:respond_open", args=[survey.open_token]))
    periods = survey.periods.annotate(
        respondents=Count("responses", distinct=True),
        invited=Count("invitations", distinct=True),
        answered=Count("invitations", filter=Q(invitations__answered=True), distinct=True),
    )
    context = {
        "survey": survey,
        "municipality": survey.municipality,
        "statements": [
            (s, s.text_in(get_language() or "nb", survey.language)) for s in survey.statements.all()
        ],
        "units": survey.units.all(),
        "periods": periods,
        "open_period": services.open_period_of(survey),
        "open_url": open_url,
        "qr": _qr(open_url),
        "settings_form": forms.get("settings_form")
        or SettingsForm(instance=survey, municipality=survey.municipality),
        "statement_form": forms.get("statement_form") or StatementForm(),
        "unit_form": forms.get("unit_form") or UnitForm(),
        "period_form": forms.get("period_form") or PeriodForm(),
        "invite_form": forms.get("invite_form") or InviteForm(),
    }
    return render(request, "surveys/survey_detail.html", context, status=status)


@login_required
def survey_detail(request, pk):
    survey, _access = get_survey(request.user, pk, "edit")
    return _detail(request, survey)


def _post(request, pk, form_class, name, act, done, form_kwargs=None):
    """The owner's small forms: validate, call the service, back to the survey."""
    survey, _access = get_survey(request.user, pk, "edit")
    form = form_class(request.POST, **(form_kwargs(survey) if form_kwargs else {}))
    if form.is_valid():
        try:
            act(survey, form)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("surveys:detail", pk=survey.pk)
    return _detail(request, survey, status=422, **{name: form})


@login_required
@require_POST
def survey_settings(request, pk):
    def act(survey, form):
        data = form.cleaned_data
        services.change_survey(
            request.user,
            Survey.objects.get(pk=survey.pk),
            title=data["title"],
            language=data["language"],
            threshold=data["threshold"],
            withhold_free_text=data["withhold_free_text"],
            indicator=data["indicator"],
            groups=data["groups"].splitlines(),
        )

    return _post(
        request,
        pk,
        SettingsForm,
        "settings_form",
        act,
        _("The settings are saved."),
        form_kwargs=lambda s: {
            "instance": Survey.objects.get(pk=s.pk),
            "municipality": s.municipality,
        },
    )


@login_required
@require_POST
def statement_add(request, pk):
    def act(survey, form):
        services.add_statement(request.user, survey, form.texts(), kind=form.cleaned_data["kind"])

    return _post(request, pk, StatementForm, "statement_form", act, _("The statement is added."))


@login_required
@require_POST
def unit_add(request, pk):
    def act(survey, form):
        services.add_unit(request.user, survey, form.cleaned_data["name"])

    return _post(request, pk, UnitForm, "unit_form", act, _("The unit is added."))


@login_required
@require_POST
def period_open(request, pk):
    def act(survey, form):
        data = form.cleaned_data
        services.open_period(request.user, survey, data["name"], data["starts"], data["ends"])

    return _post(request, pk, PeriodForm, "period_form", act, _("The period is open for answers."))


@login_required
@require_POST
def period_close(request, pk, period_pk):
    survey, _access = get_survey(request.user, pk, "edit")
    period = get_object_or_404(survey.periods, pk=period_pk)
    try:
        services.close_period(request.user, survey, period)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The period is closed."))
    return redirect("surveys:detail", pk=survey.pk)


@login_required
@require_POST
def invite(request, pk):
    def act(survey, form):
        period = services.open_period_of(survey)
        if period is None:
            raise ValidationError(_("Open a period before sending invitations."))
        sent = services.invite(
            request.user, survey, period, form.cleaned_data["emails"].splitlines()
        )
        messages.info(request, _("Invitations sent: %(n)d.") % {"n": sent})

    return _post(request, pk, InviteForm, "invite_form", act, _("The invitations are sent."))


@login_required
@require_POST
def remind(request, pk):
    survey, _access = get_survey(request.user, pk, "edit")
    period = services.open_period_of(survey)
    if period is None:
        messages.error(request, _("No period is open."))
    else:
        sent = services.remind(request.user, survey, period)
        messages.success(
            request, _("Reminders sent to those who have not answered: %(n)d.") % {"n": sent}
        )
    return redirect("surveys:detail", pk=survey.pk)


@login_required
def results(request, pk):
    survey, access = get_survey(request.user, pk, "read")
    language = get_language() or "nb"
    outcome = results_of(survey, language)

    def value(cell):
        if cell.figures is None:
            return None
        f = cell.figures
        return f.quality if survey.asks_expectation else f.experience

    chart = trend_chart(
        [p.name for p in outcome.periods],
        [value(cell) for cell in outcome.totals],
        [[value(cell) for cell in line.cells] for line in outcome.overall],
        quality=survey.asks_expectation,
        language=language,
    )
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "municipality": survey.municipality,
            "access": access,
            "results": outcome,
            "chart": chart,
        },
    )


@login_required
def results_xlsx(request, pk):
    survey, _access = get_survey(request.user, pk, "read")
    data = results_workbook(survey, get_language() or "nb")
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = slugify(survey.title) or "survey"
    response["Content-Disposition"] = f'attachment; filename="{name}-results.xlsx"'
    return response
