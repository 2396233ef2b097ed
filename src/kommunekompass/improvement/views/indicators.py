"""Indicators of a project: creating and changing one, its page with the chart against baseline
and target, measurements entered by hand or imported from a CSV or Excel file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunekompass.improvement import periods, services
from kommunekompass.improvement.access import get_project
from kommunekompass.improvement.dashboard import chart_for, indicator_rows
from kommunekompass.improvement.forms import (
    IndicatorForm,
    MeasurementForm,
    MeasurementImportForm,
    add_errors,
    model_fields,
)
from kommunekompass.improvement.models import Indicator, Measurement


def _indicator(request, pk, need="read"):
    indicator = get_object_or_404(Indicator.objects.only("id", "project_id"), pk=pk)
    project, access = get_project(request.user, indicator.project_id, need)
    indicator = Indicator.objects.filter(pk=pk).prefetch_related("measurements").get()
    indicator.project = project
    return project, access, indicator


def _page(request, project, access, indicator, *, form=None, upload=None, problems=(), status=200):
    language = get_language() or "nb"
    row = indicator_rows([indicator])[0]
    measurements = [
        (m, periods.period_label(m.period_end, indicator.frequency, language))
        for m in indicator.measurements.all()
    ]
    return render(
        request,
        "improvement/indicator_detail.html",
        {
            "municipality": project.programme.municipality,
            "project": project,
            "access": access,
            "indicator": indicator,
            "row": row,
            "measurements": measurements,
            "chart": chart_for(indicator, language),
            "form": form or MeasurementForm(indicator=indicator),
            "upload": upload or MeasurementImportForm(),
            "problems": problems,
        },
        status=status,
    )


@login_required
def indicator_detail(request, pk):
    need = "edit" if request.method == "POST" else "read"
    project, access, indicator = _indicator(request, pk, need)
    if request.method == "POST":
        form = MeasurementForm(request.POST, indicator=indicator)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.save_measurement(
                    request.user,
                    indicator,
                    data["period"],
                    data["value"],
                    data.get("experience"),
                    data.get("expectation"),
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The measurement is saved."))
                return redirect("improvement:indicator", pk=indicator.pk)
        return _page(request, project, access, indicator, form=form, status=422)
    return _page(request, project, access, indicator)


@require_POST
@login_required
def measurements_import(request, pk):
    project, access, indicator = _indicator(request, pk, "edit")
    upload = MeasurementImportForm(request.POST, request.FILES)
    if not upload.is_valid():
        return _page(request, project, access, indicator, upload=upload, status=422)
    file = upload.cleaned_data["file"]
    outcome = services.import_measurements(request.user, indicator, file.read(), file.name)
    if outcome.problems:
        messages.error(request, _("Nothing was imported. Correct the file and try again."))
        indicator = _indicator(request, pk, "edit")[2]
        return _page(request, project, access, indicator, problems=outcome.problems, status=422)
    messages.success(
        request,
        _("%(created)s new and %(updated)s changed measurements imported.")
        % {"created": outcome.created, "updated": outcome.updated},
    )
    return redirect("improvement:indicator", pk=indicator.pk)


@require_POST
@login_required
def measurement_delete(request, pk, measurement_id):
    project, access, indicator = _indicator(request, pk, "edit")
    measurement = get_object_or_404(Measurement, pk=measurement_id, indicator=indicator)
    services.delete_measurement(request.user, measurement)
    messages.success(request, _("The measurement is deleted."))
    return redirect("improvement:indicator", pk=indicator.pk)


@login_required
def indicator_create(request, project_id):
    project, access = get_project(request.user, project_id, "edit")
    return _indicator_form(request, project, None)


@login_required
def indicator_edit(request, pk):
    project, access, indicator = _indicator(request, pk, "edit")
    return _indicator_form(request, project, indicator)


def _indicator_form(request, project, indicator):
    """Create an indicator for `project`, or change `indicator`."""
    form = IndicatorForm(request.POST or None, instance=indicator)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if indicator is None:
                    indicator = services.add_row(
                        request.user, project, Indicator, model_fields(form)
                    )
                    messages.success(request, _("The indicator is added. Enter its measurements."))
                else:
                    indicator = services.change_row(request.user, indicator, model_fields(form))
                    messages.success(request, _("The indicator is saved."))
            except ValidationError as error:
                add_errors(form, error)
            else:
                return redirect("improvement:indicator", pk=indicator.pk)
        status = 422
    return render(
        request,
        "improvement/indicator_form.html",
        {
            "municipality": project.programme.municipality,
            "project": project,
            "form": form,
            "indicator": indicator,
        },
        status=status,
    )


@require_POST
@login_required
def indicator_delete(request, pk):
    project, access, indicator = _indicator(request, pk, "edit")
    services.delete_row(request.user, indicator)
    messages.success(request, _("The indicator is deleted."))
    return redirect("improvement:project", pk=project.pk)
