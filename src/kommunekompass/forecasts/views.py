"""Loading statistics, a municipality's forecast, and attaching it to an evaluation.

Access: forecasts.access. Views stay thin: access -> form -> service -> response."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunekompass.evaluations.access import with_roles
from kommunekompass.evaluations.models import Evaluation
from kommunekompass.evaluations.services.base import ServiceError
from kommunekompass.forecasts import exports, services
from kommunekompass.forecasts.access import get_municipality, require_loader
from kommunekompass.forecasts.building import (
    DEFAULT_ALTERNATIVE,
    ForecastUnavailable,
    alternatives_for,
    build_forecast,
)
from kommunekompass.forecasts.display import chart
from kommunekompass.forecasts.forms import AttachForm, ForecastForm, StatisticsForm
from kommunekompass.forecasts.models import AttachedForecast, StatisticsSource
from kommunekompass.forecasts.statfiles import Refused

DEFAULT_START = 2023
DEFAULT_YEARS = 10


@login_required
def statistics(request):
    require_loader(request.user)
    form = StatisticsForm(request.POST or None, request.FILES or None)
    outcome = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = services.load_statistics(
                request.user,
                upload.read(),
                upload.name,
                kind=form.cleaned_data["kind"],
                downloaded_on=form.cleaned_data["downloaded_on"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except Refused as error:
            form.add_error("file", str(error))
            status = 422
        else:
            if outcome.written:
                messages.success(
                    request,
                    _("%(file)s loaded: %(rows)s figures.")
                    % {"file": upload.name, "rows": outcome.found.rows},
                )
                return redirect("forecasts:statistics")
            if outcome.problems:
                status = 422
    sources = StatisticsSource.objects.select_related(None)[:100]
    return render(
        request,
        "forecasts/statistics.html",
        {"form": form, "outcome": outcome, "sources": sources},
        status=status,
    )


def _attachable(user, municipality):
    """Drafts of the municipality the user may change (to attach the forecast to)."""
    found = with_roles(
        Evaluation.objects.filter(municipality=municipality).exclude(
            status__in=[Evaluation.Status.PUBLISHED, Evaluation.Status.WITHDRAWN]
        ),
        user,
    ).select_related("municipality", "framework")
    if not user.is_superuser:
        found = found.filter(user_is_evaluator=True)
    return list(found.defer("framework__document", "framework__source").order_by("-year"))


def forecast(request, key):
    if not request.user.is_authenticated:
        raise Http404
    municipality = get_municipality(request.user, key)
    alternatives = alternatives_for(municipality)
    initial = {
        "alternative": DEFAULT_ALTERNATIVE
        if DEFAULT_ALTERNATIVE in alternatives
        else (alternatives[0] if alternatives else ""),
        "start": DEFAULT_START,
        "years": DEFAULT_YEARS,
    }
    data = {name: request.GET.get(name, value) for name, value in initial.items()}
    form = ForecastForm(data, alternatives=alternatives)
    result = None
    problem = ""
    if not alternatives:
        problem = _("No population projection is loaded for %(municipality)s (%(number)s).") % {
            "municipality": municipality.name,
            "number": municipality.number,
        }
    elif form.is_valid():
        try:
            result = build_forecast(municipality, **form.cleaned_data)
        except ForecastUnavailable as error:
            problem = str(error)
    file_format = request.GET.get("format")
    if result is not None and file_format in ("csv", "xlsx"):
        stem = f"forecast-{municipality.number}-{result.alternative}-{result.start}"
        if file_format == "csv":
            response = HttpResponse(exports.render_csv(result), content_type="text/csv")
        else:
            response = HttpResponse(
                exports.render_xlsx(result),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{stem}.{file_format}"'
        return response
    attachable = _attachable(request.user, municipality) if result is not None else []
    attach_form = (
        AttachForm(initial=form.cleaned_data, evaluations=attachable) if attachable else None
    )
    return render(
        request,
        "forecasts/forecast.html",
        {
            "municipality": municipality,
            "form": form,
            "result": result,
            "problem": problem,
            "chart_svg": chart(result) if result is not None else "",
            "attach_form": attach_form,
            "query": request.GET.urlencode(),
        },
        status=200 if result is not None or not form.errors else 400,
    )


@require_POST
def attach(request, key):
    if not request.user.is_authenticated:
        raise Http404
    municipality = get_municipality(request.user, key)
    evaluations = _attachable(request.user, municipality)
    form = AttachForm(request.POST, evaluations=evaluations)
    if not form.is_valid():
        if not evaluations:
            raise PermissionDenied(_("Only the evaluation's evaluators may do this."))
        messages.error(request, _("Choose an evaluation to attach the forecast to."))
        return redirect(reverse("forecasts:forecast", args=[key]))
    evaluation = next(e for e in evaluations if str(e.pk) == form.cleaned_data["evaluation"])
    try:
        services.attach_forecast(
            request.user,
            evaluation,
            alternative=form.cleaned_data["alternative"],
            start=form.cleaned_data["start"],
            years=form.cleaned_data["years"],
        )
    except ServiceError as error:
        raise PermissionDenied(str(error)) from None
    messages.success(
        request, _("The forecast is attached to %(evaluation)s.") % {"evaluation": evaluation}
    )
    return redirect(f"/reports/{evaluation.pk}/#forecast")


@require_POST
def detach(request, key, evaluation_id):
    if not request.user.is_authenticated:
        raise Http404
    municipality = get_municipality(request.user, key)
    evaluations = [e for e in _attachable(request.user, municipality) if e.pk == evaluation_id]
    if not evaluations or not AttachedForecast.objects.filter(evaluation_id=evaluation_id).exists():
        raise Http404
    try:
        services.detach_forecast(request.user, evaluations[0])
    except ServiceError as error:
        raise PermissionDenied(str(error)) from None
    messages.success(request, _("The forecast is removed from the report."))
    return redirect(f"/reports/{evaluation_id}/")
