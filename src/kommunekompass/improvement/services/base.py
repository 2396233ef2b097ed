"""What every service of the programme shares: the history entry, the fields' values as the
history stores them, validation, and the programme and its published findings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunekompass.evaluations.models import Evaluation, Finding
from kommunekompass.improvement.history import json_value
from kommunekompass.improvement.models import Programme, ProgrammeChange, Project, Risk

# --- history ---------------------------------------------------------------------------------


def user_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def state(instance, fields) -> dict:
    """The instance's fields as the history stores them."""
    return {field: json_value(getattr(instance, field)) for field in fields}


def differences(old: dict, new: dict) -> tuple[dict, dict]:
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


def field_checks(instance) -> dict:
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


def validate(instance, exclude=()) -> None:
    """The model's own checks (choices, lengths, check constraints); ValidationError names the
    field."""
    problems = field_checks(instance)
    if problems:
        raise ValidationError(problems)
    instance.full_clean(exclude=list(exclude), validate_unique=False)


def set_fields(instance, fields: dict, allowed) -> None:
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
    return Evaluation.objects.published().of(municipality).select_related("framework")


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
