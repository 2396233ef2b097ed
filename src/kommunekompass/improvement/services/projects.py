"""Projects: starting one from findings, changing the plan with its version check, deleting
it, choosing whether it is public, and its rows (decision points, milestones, risks,
indicators)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from kommunekompass.improvement.history import json_value
from kommunekompass.improvement.models import (
    ChangeAction,
    DecisionPoint,
    Indicator,
    Milestone,
    Project,
    Risk,
)
from kommunekompass.improvement.services.base import (
    differences,
    open_findings,
    programme_of,
    published_evaluations,
    record,
    set_fields,
    state,
    validate,
)

PLAN_FIELDS = (
    "title",
    "status",
    "starts",
    "ends",
    "evaluation",
    "background",
    "goal",
    "frames",
    "scope",
    "reports",
    "project_leader",
    "responsible_leader",
    "unit",
    "quality_assurance",
    "main_activities",
    "evaluation_report",
)

# The rows of a project: the fields a user sets, and the actions (added, changed, deleted).
ROW_FIELDS = {
    DecisionPoint: ("number", "decision", "date", "basis"),
    Milestone: ("number", "milestone", "date", "measurable_result", "reached"),
    Risk: ("factor", "likelihood", "impact", "measure"),
    Indicator: (
        "kind",
        "name",
        "unit",
        "organisation_unit",
        "higher_is_better",
        "baseline",
        "target",
        "frequency",
    ),
}
ROW_ACTIONS = {
    DecisionPoint: (
        ChangeAction.DECISION_ADDED,
        ChangeAction.DECISION_CHANGED,
        ChangeAction.DECISION_DELETED,
    ),
    Milestone: (
        ChangeAction.MILESTONE_ADDED,
        ChangeAction.MILESTONE_CHANGED,
        ChangeAction.MILESTONE_DELETED,
    ),
    Risk: (ChangeAction.RISK_ADDED, ChangeAction.RISK_CHANGED, ChangeAction.RISK_DELETED),
    Indicator: (
        ChangeAction.INDICATOR_ADDED,
        ChangeAction.INDICATOR_CHANGED,
        ChangeAction.INDICATOR_DELETED,
    ),
}


class StalePlan(Exception):
    """Someone else changed the plan after the version the user started from."""


def _plan_state(project: Project) -> dict:
    data = state(project, PLAN_FIELDS)
    data["findings"] = [f.text for f in project.findings.order_by("id")]
    data["focus_areas"] = [
        f"{area.code}. {area.localized()}" for area in project.focus_areas.order_by("position")
    ]
    return data


def _check_links(municipality, evaluation, findings) -> None:
    findings = list(findings)
    allowed = set(open_findings(municipality).values_list("pk", flat=True))
    if any(f.pk not in allowed for f in findings):
        raise ValidationError(
            {"findings": _("Choose challenges and weaknesses of published evaluations only.")}
        )
    if (
        evaluation is not None
        and not published_evaluations(municipality).filter(pk=evaluation.pk).exists()
    ):
        raise ValidationError(
            {"evaluation": _("Choose a published evaluation of the municipality.")}
        )
    if len({f.evaluation_id for f in findings}) > 1:
        raise ValidationError({"findings": _("Choose findings of one evaluation only.")})
    if findings and evaluation is not None and findings[0].evaluation_id != evaluation.pk:
        raise ValidationError({"findings": _("The findings are not from the evaluation chosen.")})


def start_project(user, municipality, fields: dict, *, findings=(), focus_areas=()) -> Project:
    """A new project of the municipality's programme, answering `findings` (its evaluation and,
    unless given, its focus areas are taken from them)."""
    findings = list(findings)
    focus_areas = list(focus_areas) or list({f.focus_area for f in findings})
    fields = dict(fields)
    if findings and not fields.get("evaluation"):
        fields["evaluation"] = findings[0].evaluation
    with transaction.atomic():
        programme = programme_of(municipality)
        project = Project(programme=programme)
        set_fields(project, fields, PLAN_FIELDS)
        project.title = (project.title or "").strip()
        validate(project)
        _check_links(municipality, project.evaluation, findings)
        project.save()
        project.findings.set(findings)
        project.focus_areas.set(focus_areas)
        record(
            programme.pk,
            user,
            ChangeAction.PROJECT_STARTED,
            project.title,
            project=project,
            new=_plan_state(project),
        )
    return project


def change_plan(user, project, fields: dict, *, version, findings=None, focus_areas=None):
    """Change the plan of `project` if it is still at `version`; StalePlan otherwise."""
    municipality = project.programme.municipality
    with transaction.atomic():
        claimed = Project.objects.filter(pk=project.pk, version=version).update(
            version=F("version") + 1
        )
        if not claimed:
            raise StalePlan()
        current = Project.objects.select_related("programme").get(pk=project.pk)
        old = _plan_state(current)
        set_fields(current, fields, PLAN_FIELDS)
        current.title = (current.title or "").strip()
        validate(current)
        chosen = list(current.findings.all()) if findings is None else list(findings)
        _check_links(municipality, current.evaluation, chosen)
        current.save()
        if findings is not None:
            current.findings.set(findings)
        if focus_areas is not None:
            current.focus_areas.set(focus_areas)
        before, after = differences(old, _plan_state(current))
        record(
            current.programme_id,
            user,
            ChangeAction.PLAN_CHANGED,
            current.title,
            project=current,
            old=before,
            new=after,
        )
    return current


def delete_project(user, project) -> None:
    """Delete a project with its rows; its history stays, naming it."""
    with transaction.atomic():
        current = Project.objects.select_for_update().get(pk=project.pk)
        record(
            current.programme_id,
            user,
            ChangeAction.PROJECT_DELETED,
            current.title,
            project=current,
            old=_plan_state(current),
        )
        current.delete()


def may_publish(user, municipality_id) -> bool:
    """Only the programme's coordinators (and administrators) choose what is public."""
    from kommunekompass.improvement.access import access_for

    return access_for(user, municipality_id).manage


def set_public(user, project, public: bool, *, note: str = "") -> Project:
    """Show `project` in published reports, or not. For the coordinators only (user None: the
    system, e.g. the demo loader)."""
    if user is not None and not may_publish(user, project.programme.municipality_id):
        raise PermissionDenied(_("Only the municipality's coordinators may do this."))
    with transaction.atomic():
        current = Project.objects.select_for_update().get(pk=project.pk)
        if current.public == bool(public):
            return current
        old = state(current, ["public"])
        current.public = bool(public)
        current.save(update_fields=["public"])
        record(
            current.programme_id,
            user,
            ChangeAction.PUBLICATION_CHANGED,
            current.title,
            project=current,
            old=old,
            new=state(current, ["public"]),
            note=note,
        )
    return current


# --- the rows of a project: decision points, milestones, risks, indicators ---------------------


def add_row(user, project, model, fields: dict):
    """Add a decision point, milestone, risk or indicator to `project`."""
    added, _changed, _deleted = ROW_ACTIONS[model]
    row = model(project=project)
    set_fields(row, fields, ROW_FIELDS[model])
    validate(row)
    with transaction.atomic():
        row.save()
        record(
            project.programme_id,
            user,
            added,
            row,
            project=project,
            new=state(row, ROW_FIELDS[model]),
        )
    return row


def change_row(user, row, fields: dict):
    """Change a decision point, milestone, risk or indicator."""
    model = type(row)
    _added, changed, _deleted = ROW_ACTIONS[model]
    with transaction.atomic():
        current = (
            model.objects.select_for_update(of=("self",)).select_related("project").get(pk=row.pk)
        )
        old = state(current, ROW_FIELDS[model])
        set_fields(current, fields, ROW_FIELDS[model])
        validate(current)
        current.save()
        before, after = differences(old, state(current, ROW_FIELDS[model]))
        if before or after:
            record(
                current.project.programme_id,
                user,
                changed,
                current,
                project=current.project,
                old=before,
                new=after,
            )
    return current


def delete_row(user, row) -> None:
    """Delete a decision point, milestone, risk or indicator (with its measurements, which its
    history entry keeps)."""
    model = type(row)
    _added, _changed, deleted = ROW_ACTIONS[model]
    with transaction.atomic():
        current = (
            model.objects.select_for_update(of=("self",)).select_related("project").get(pk=row.pk)
        )
        old = state(current, ROW_FIELDS[model])
        if model is Indicator:
            old["measurements"] = {
                json_value(m.period_end): json_value(m.value)
                for m in current.measurements.order_by("period_end")
            }
        record(
            current.project.programme_id,
            user,
            deleted,
            current,
            project=current.project,
            old=old,
        )
        current.delete()
