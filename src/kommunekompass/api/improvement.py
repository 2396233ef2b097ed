"""The improvement programme with a token, as on its pages (improvement.access.get_project:
coordinators and project leaders change, readers and steering-group members read, nobody
outside the municipality sees anything): an indicator with its measurements, a measurement
saved or deleted, a file of measurements imported (all or nothing, each problem with its row
and column), and a project's milestones (reached or not) added, changed and deleted. The
pages' forms check the input; improvement.services writes it with its history entry."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from kommunekompass.api.auth import TokenAuth
from kommunekompass.api.errors import Refused, checked, refuse_form
from kommunekompass.api.imports import too_large
from kommunekompass.api.schemas import Error, IndicatorOut, MeasurementImportOut, Problems
from kommunekompass.api.work_schemas import (
    MeasurementIn,
    MeasurementSaved,
    MilestoneChange,
    MilestoneIn,
    MilestoneOut,
    ProjectChange,
    ProjectOut,
)
from kommunekompass.improvement import services
from kommunekompass.improvement.access import get_project
from kommunekompass.improvement.forms import (
    MeasurementForm,
    MilestoneForm,
    ProjectForm,
    add_errors,
    model_fields,
)
from kommunekompass.improvement.measurement_import import limits as measurement_limits
from kommunekompass.improvement.models import Indicator, Measurement, Milestone, Project

router = Router(auth=TokenAuth(), tags=["improvement"])

REFUSED = {401: Error, 403: Error, 404: Error, 422: Problems}


def _indicator(user, indicator_id: int, need: str):
    """As the indicator pages find it: the project's access first, then the indicator."""
    indicator = get_object_or_404(Indicator.objects.only("id", "project_id"), pk=indicator_id)
    project, _access = get_project(user, indicator.project_id, need)
    indicator = Indicator.objects.get(pk=indicator_id)
    indicator.project = project
    return indicator


def _number(value):
    return None if value is None else float(value)


@router.get(
    "/indicators/{indicator_id}",
    response={200: IndicatorOut, 401: Error, 404: Error},
    summary="An indicator of an improvement project, with its measurements",
)
def indicator(request, indicator_id: int):
    found = _indicator(request.auth, indicator_id, "read")
    return {
        "id": found.pk,
        "name": found.name,
        "kind": found.kind,
        "unit": found.unit,
        "project_id": found.project_id,
        "municipality": found.project.programme.municipality.number,
        "measurements": [
            {
                "period_end": m.period_end,
                "value": m.value,
                "experience": m.experience,
                "expectation": m.expectation,
            }
            for m in found.measurements.order_by("period_end")
        ],
    }


def _problem(problem) -> dict:
    """A problem of a measurements file: row, column (as written in the file) and message;
    a problem of the whole file has neither row nor column."""
    return {
        "row": getattr(problem, "row", None),
        "column": getattr(problem, "column", None),
        "message": getattr(problem, "message", str(problem)),
    }


@router.post(
    "/indicators/{indicator_id}/measurements",
    response={200: MeasurementImportOut, **REFUSED},
    summary="Import an indicator's measurements from a CSV or .xlsx file (all or nothing)",
)
def import_measurement_file(
    request, indicator_id: int, file: File[UploadedFile], dry_run: bool = False
):
    found = _indicator(request.auth, indicator_id, "edit")
    if file.size > measurement_limits().max_bytes:
        raise too_large()
    outcome = services.import_measurements(
        request.auth, found, file.read(), file.name, dry_run=dry_run
    )
    if outcome.problems:
        raise Refused(
            _("Nothing was imported. Correct the file and try again."),
            [_problem(problem) for problem in outcome.problems],
        )
    return {
        "written": outcome.written,
        "dry_run": dry_run,
        "created": outcome.created,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
    }


@router.put(
    "/indicators/{indicator_id}/measurement",
    response={200: MeasurementSaved, **REFUSED},
    summary="Save the measurement of one period (new, or changing the one stored)",
)
def save_measurement(request, indicator_id: int, payload: MeasurementIn):
    found = _indicator(request.auth, indicator_id, "edit")
    data = {key: "" if value is None else str(value) for key, value in payload.dict().items()}
    form = MeasurementForm(data, indicator=found)
    cleaned = checked(form)
    measurement = _saved(
        form,
        lambda: services.save_measurement(
            request.auth,
            found,
            cleaned["period"],
            cleaned["value"],
            cleaned.get("experience"),
            cleaned.get("expectation"),
        ),
    )
    return {
        "id": measurement.pk,
        "period_end": measurement.period_end,
        "value": _number(measurement.value),
        "experience": _number(measurement.experience),
        "expectation": _number(measurement.expectation),
    }


@router.delete(
    "/indicators/{indicator_id}/measurements/{measurement_id}",
    response={204: None, 401: Error, 403: Error, 404: Error},
    summary="Delete a measurement",
)
def delete_measurement(request, indicator_id: int, measurement_id: int):
    found = _indicator(request.auth, indicator_id, "edit")
    measurement = get_object_or_404(Measurement, pk=measurement_id, indicator=found)
    services.delete_measurement(request.auth, measurement)
    return Status(204, None)


# --- the project's plan and status ----------------------------------------------------------

TEXTS = [
    field
    for field in services.PLAN_FIELDS
    if field not in {"title", "status", "starts", "ends", "evaluation"}
]


def project_out(project: Project) -> dict:
    return {
        "id": project.pk,
        "municipality": project.programme.municipality.number,
        "title": project.title,
        "status": project.status,
        "starts": project.starts,
        "ends": project.ends,
        "evaluation_id": project.evaluation_id,
        "version": project.version,
        "plan": {field: getattr(project, field) for field in TEXTS},
    }


@router.get(
    "/projects/{project_id}",
    response={200: ProjectOut, 401: Error, 404: Error},
    summary="An improvement project: its status, dates and plan, with the plan's version",
)
def project(request, project_id: int):
    found, _access = get_project(request.auth, project_id, "read")
    return project_out(found)


@router.patch(
    "/projects/{project_id}",
    response={200: ProjectOut, 409: Error, **REFUSED},
    summary="Change a project's status, dates or plan (with the version read)",
)
def change_project(request, project_id: int, payload: ProjectChange):
    found, _access = get_project(request.auth, project_id, "edit")
    unknown = sorted(set(payload.plan) - set(TEXTS))
    if unknown:
        raise Refused(
            _("Not saved: correct the fields named."),
            [{"field": f"plan.{name}", "message": _("Unknown field.")} for name in unknown],
        )
    given = payload.dict(exclude_unset=True, exclude={"version", "plan"}) | payload.plan
    current = model_to_dict(found, fields=[*services.PLAN_FIELDS, "findings", "focus_areas"])
    data = _form_data(current | given)
    data["findings"] = [f.pk for f in current["findings"]]
    data["focus_areas"] = [a.pk for a in current["focus_areas"]]
    municipality = found.programme.municipality
    form = ProjectForm(data, instance=found, municipality=municipality)
    cleaned = checked(form, {field: f"plan.{field}" for field in TEXTS})
    try:
        changed = _saved(
            form,
            lambda: services.change_plan(
                request.auth,
                found,
                form.plan_fields(),
                version=payload.version,
                findings=cleaned["findings"],
                focus_areas=cleaned["focus_areas"],
            ),
        )
    except services.StalePlan:
        return Status(409, {"detail": _("Not saved: someone else changed this plan.")})
    return project_out(changed)


# --- milestones ------------------------------------------------------------------------------

MILESTONE_FIELDS = ["number", "milestone", "date", "measurable_result", "reached"]


def milestone_out(row: Milestone) -> dict:
    return {"id": row.pk, "project_id": row.project_id} | {
        field: getattr(row, field) for field in MILESTONE_FIELDS
    }


def _form_data(fields: dict) -> dict:
    """JSON values as a form posts them (a date as ISO text, none as blank)."""
    data = {}
    for field, value in fields.items():
        if value is None:
            data[field] = ""
        elif hasattr(value, "isoformat"):
            data[field] = value.isoformat()
        else:
            data[field] = value
    return data


def _saved(form, write):
    """`write()` the change; a service's ValidationError names the form's fields."""
    try:
        return write()
    except ValidationError as error:
        add_errors(form, error)
        raise refuse_form(form) from None


@router.get(
    "/projects/{project_id}/milestones",
    response={200: list[MilestoneOut], 401: Error, 404: Error},
    summary="A project's milestones",
)
def milestones(request, project_id: int):
    project, _access = get_project(request.auth, project_id, "read")
    return [milestone_out(row) for row in project.milestones.all()]


@router.post(
    "/projects/{project_id}/milestones",
    response={201: MilestoneOut, **REFUSED},
    summary="Add a milestone to a project",
)
def add_milestone(request, project_id: int, payload: MilestoneIn):
    project, _access = get_project(request.auth, project_id, "edit")
    form = MilestoneForm(_form_data(payload.dict()))
    checked(form)
    row = _saved(
        form, lambda: services.add_row(request.auth, project, Milestone, model_fields(form))
    )
    return Status(201, milestone_out(row))


def _milestone(user, project_id: int, milestone_id: int):
    project, _access = get_project(user, project_id, "edit")
    return get_object_or_404(Milestone, pk=milestone_id, project=project)


@router.patch(
    "/projects/{project_id}/milestones/{milestone_id}",
    response={200: MilestoneOut, **REFUSED},
    summary='Change a milestone: only the fields given (e.g. {"reached": true})',
)
def change_milestone(request, project_id: int, milestone_id: int, payload: MilestoneChange):
    row = _milestone(request.auth, project_id, milestone_id)
    fields = model_to_dict(row, fields=MILESTONE_FIELDS) | payload.dict(exclude_unset=True)
    form = MilestoneForm(_form_data(fields), instance=row)
    checked(form)
    row = _saved(form, lambda: services.change_row(request.auth, row, model_fields(form)))
    return milestone_out(row)


@router.delete(
    "/projects/{project_id}/milestones/{milestone_id}",
    response={204: None, 401: Error, 403: Error, 404: Error},
    summary="Delete a milestone",
)
def delete_milestone(request, project_id: int, milestone_id: int):
    row = _milestone(request.auth, project_id, milestone_id)
    services.delete_row(request.auth, row)
    return Status(204, None)
