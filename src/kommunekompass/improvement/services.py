"""The one write path of the improvement programme.

Views, the `import-measurements` command and the demo loader change the programme only here (the
admin only reads it). Each function takes the acting user (None for the system, e.g. the demo
loader or the command line without --user), validates everything first, writes in one
transaction and records a ProgrammeChange with the fields' values before and after.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunekompass.evaluations.models import Evaluation, Finding
from kommunekompass.improvement.history import json_value
from kommunekompass.improvement.models import (
    ChangeAction,
    DecisionPoint,
    GroupMember,
    Indicator,
    Measurement,
    Milestone,
    Programme,
    ProgrammeChange,
    Project,
    Risk,
)

# The fields of a project's plan that are plain values (findings and focus areas come apart).
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
MEMBER_FIELDS = ("group", "name", "title", "party", "function", "user")
MEASUREMENT_FIELDS = ("period_end", "value", "experience", "expectation")


class StalePlan(Exception):
    """Someone else changed the plan after the version the user started from."""


# --- history ---------------------------------------------------------------------------------


def user_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def state(instance, fields) -> dict:
    """The instance's fields as the history stores them."""
    return {field: json_value(getattr(instance, field)) for field in fields}


def _plan_state(project: Project) -> dict:
    data = state(project, PLAN_FIELDS)
    data["findings"] = [f.text for f in project.findings.order_by("id")]
    data["focus_areas"] = [
        f"{area.code}. {area.localized()}" for area in project.focus_areas.order_by("position")
    ]
    return data


def _differences(old: dict, new: dict) -> tuple[dict, dict]:
    changed = [key for key in new if old.get(key) != new[key]]
    return {key: old.get(key) for key in changed}, {key: new[key] for key in changed}


def record(programme_id, user, action, subject, *, project=None, old=None, new=None, note=""):
    """Write a history entry. Called inside the transaction of the change it records."""
    return ProgrammeChange.objects.create(
        programme_id=programme_id,
        project=project,
        project_title=project.title if project is not None else "",
        user=user,
        user_name=user_name(user),
        at=timezone.now(),
        action=action,
        subject=str(subject)[:400],
        old=old or {},
        new=new or {},
        note=note,
    )


def _field_checks(instance) -> dict:
    """The check constraints that concern one field, with the field named."""
    problems = {}
    if isinstance(instance, Project) and instance.starts and instance.ends:
        if instance.ends < instance.starts:
            problems["ends"] = _("The project cannot end before it starts.")
    if isinstance(instance, Risk):
        if not 1 <= (instance.likelihood or 0) <= 5:
            problems["likelihood"] = _("Likelihood is a number from 1 to 5.")
        if not 1 <= (instance.impact or 0) <= 5:
            problems["impact"] = _("Impact is a number from 1 to 5.")
    return problems


def _validate(instance, exclude=()) -> None:
    """The model's own checks (choices, lengths, check constraints); ValidationError names the
    field."""
    problems = _field_checks(instance)
    if problems:
        raise ValidationError(problems)
    instance.full_clean(exclude=list(exclude), validate_unique=False)


def _set(instance, fields: dict, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"Not fields of {type(instance).__name__}: {sorted(unknown)}")
    for field, value in fields.items():
        setattr(instance, field, value)


# --- the programme and its projects -----------------------------------------------------------


def programme_of(municipality) -> Programme:
    """The municipality's programme, started the first time something is added to it."""
    programme, _created = Programme.objects.get_or_create(
        municipality=municipality, defaults={"started": timezone.localdate()}
    )
    return programme


def published_evaluations(municipality):
    return Evaluation.objects.filter(
        municipality=municipality, status=Evaluation.Status.PUBLISHED
    ).select_related("framework")


def open_findings(municipality):
    """The challenges and weaknesses of the municipality's published evaluations."""
    return (
        Finding.objects.filter(
            evaluation__in=published_evaluations(municipality),
            kind__in=[Finding.Kind.CHALLENGE, Finding.Kind.WEAKNESS],
        )
        .select_related("evaluation", "focus_area")
        .order_by("-evaluation__year", "focus_area__position", "kind", "position", "id")
    )


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
        _set(project, fields, PLAN_FIELDS)
        project.title = (project.title or "").strip()
        _validate(project)
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
        _set(current, fields, PLAN_FIELDS)
        current.title = (current.title or "").strip()
        _validate(current)
        chosen = list(current.findings.all()) if findings is None else list(findings)
        _check_links(municipality, current.evaluation, chosen)
        current.save()
        if findings is not None:
            current.findings.set(findings)
        if focus_areas is not None:
            current.focus_areas.set(focus_areas)
        before, after = _differences(old, _plan_state(current))
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
    _set(row, fields, ROW_FIELDS[model])
    _validate(row)
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
        current = model.objects.select_for_update().select_related("project").get(pk=row.pk)
        old = state(current, ROW_FIELDS[model])
        _set(current, fields, ROW_FIELDS[model])
        _validate(current)
        current.save()
        before, after = _differences(old, state(current, ROW_FIELDS[model]))
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
        current = model.objects.select_for_update().select_related("project").get(pk=row.pk)
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


# --- measurements -----------------------------------------------------------------------------


def save_measurement(user, indicator, period_end, value, experience=None, expectation=None):
    """The indicator's measurement of the period ending `period_end`, new or changed."""
    with transaction.atomic():
        current = (
            Measurement.objects.select_for_update()
            .filter(indicator=indicator, period_end=period_end)
            .first()
        )
        old = state(current, MEASUREMENT_FIELDS) if current else {}
        measurement = current or Measurement(indicator=indicator, period_end=period_end)
        measurement.value, measurement.experience, measurement.expectation = (
            value,
            experience,
            expectation,
        )
        _validate(measurement, exclude=["indicator"])
        measurement.save()
        new = state(measurement, MEASUREMENT_FIELDS)
        if old:
            old, new = _differences(old, new)
            new["period_end"] = old["period_end"] = json_value(period_end)
        record(
            indicator.project.programme_id,
            user,
            ChangeAction.MEASUREMENT_SAVED,
            indicator.name,
            project=indicator.project,
            old=old,
            new=new,
        )
    return measurement


def delete_measurement(user, measurement) -> None:
    indicator = measurement.indicator
    with transaction.atomic():
        current = Measurement.objects.select_for_update().get(pk=measurement.pk)
        record(
            indicator.project.programme_id,
            user,
            ChangeAction.MEASUREMENT_DELETED,
            indicator.name,
            project=indicator.project,
            old=state(current, MEASUREMENT_FIELDS),
        )
        current.delete()


def write_measurements(user, indicator, planned, *, dry_run=False, note=""):
    """The write step of an import: the planned measurements (improvement.measurement_import)
    of `indicator`, new periods created and others changed, recorded as one history entry.
    With `dry_run`, counted and not written."""
    from kommunekompass.improvement.measurement_import import MeasurementImport

    outcome = MeasurementImport()
    with transaction.atomic():
        existing = {
            measurement.period_end: measurement
            for measurement in Measurement.objects.select_for_update().filter(
                indicator=indicator, period_end__in=[m.period_end for m in planned]
            )
        }
        new, changed, before = [], [], {}
        for item in planned:
            figures = (item.value, item.experience, item.expectation)
            stored = existing.get(item.period_end)
            if stored is None:
                new.append(Measurement(indicator=indicator, period_end=item.period_end))
                target = new[-1]
            elif (stored.value, stored.experience, stored.expectation) != figures:
                before[json_value(stored.period_end)] = json_value(stored.value)
                changed.append(stored)
                target = stored
            else:
                outcome.unchanged += 1
                continue
            target.value, target.experience, target.expectation = figures
        outcome.created, outcome.updated = len(new), len(changed)
        if dry_run:
            return outcome
        Measurement.objects.bulk_create(new)
        Measurement.objects.bulk_update(changed, ["value", "experience", "expectation"])
        outcome.written = True
        if new or changed:
            after = {
                json_value(m.period_end): json_value(m.value)
                for m in sorted(new + changed, key=lambda m: m.period_end)
            }
            record(
                indicator.project.programme_id,
                user,
                ChangeAction.MEASUREMENTS_IMPORTED,
                indicator.name,
                project=indicator.project,
                old={"measurements": before} if before else {},
                new={"measurements": after},
                note=note,
            )
    return outcome


def import_measurements(user, indicator, data: bytes, filename: str, *, dry_run=False):
    """Read a file's measurements for `indicator` and write them all, or none when any is
    wrong (the outcome's problems say which)."""
    from kommunekompass.improvement.measurement_import import MeasurementImport, read_plan

    plan = read_plan(data, filename, indicator.kind)
    if plan.problems:
        return MeasurementImport(problems=plan.problems)
    return write_measurements(
        user,
        indicator,
        plan.measurements,
        dry_run=dry_run,
        note=_("From the file %(name)s") % {"name": filename},
    )


# --- the groups -------------------------------------------------------------------------------


def add_member(user, municipality, fields: dict) -> GroupMember:
    """Add a member to the steering or project group (with their account, if any)."""
    with transaction.atomic():
        programme = programme_of(municipality)
        member = GroupMember(programme=programme)
        _set(member, fields, MEMBER_FIELDS)
        _validate(member)
        member.save()
        record(
            programme.pk,
            user,
            ChangeAction.MEMBER_ADDED,
            member.name,
            new=state(member, MEMBER_FIELDS),
        )
    return member


def change_member(user, member, fields: dict) -> GroupMember:
    """Change a member, their group, function or linked account."""
    with transaction.atomic():
        current = GroupMember.objects.select_for_update().select_related("user").get(pk=member.pk)
        old = state(current, MEMBER_FIELDS)
        _set(current, fields, MEMBER_FIELDS)
        _validate(current)
        current.save()
        before, after = _differences(old, state(current, MEMBER_FIELDS))
        if before or after:
            record(
                current.programme_id,
                user,
                ChangeAction.MEMBER_CHANGED,
                current.name,
                old=before,
                new=after,
            )
    return current


def remove_member(user, member) -> None:
    with transaction.atomic():
        current = GroupMember.objects.select_for_update().select_related("user").get(pk=member.pk)
        record(
            current.programme_id,
            user,
            ChangeAction.MEMBER_REMOVED,
            current.name,
            old=state(current, MEMBER_FIELDS),
        )
        current.delete()
