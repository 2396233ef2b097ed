"""The programme's history as people read it: values as JSON for the record, and back to text.

`json_value` turns a field's value into what a ProgrammeChange stores; `change_lines` turns a
stored change into lines of (field label, before, after) in the active language: field labels
as the pages show them, choice labels instead of keys, dates and numbers in the locale's
format, yes and no for booleans, names for linked accounts. Both are pure: no database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kommunekompass.improvement.models import (
    ChangeAction,
    DecisionPoint,
    GroupMember,
    Indicator,
    Measurement,
    Milestone,
    Project,
    Risk,
)

EMPTY = "–"

# What each action is about, for the labels and choices of its fields.
SUBJECT_MODEL = {
    ChangeAction.PROJECT_STARTED: Project,
    ChangeAction.PLAN_CHANGED: Project,
    ChangeAction.PROJECT_DELETED: Project,
    ChangeAction.PUBLICATION_CHANGED: Project,
    ChangeAction.DECISION_ADDED: DecisionPoint,
    ChangeAction.DECISION_CHANGED: DecisionPoint,
    ChangeAction.DECISION_DELETED: DecisionPoint,
    ChangeAction.MILESTONE_ADDED: Milestone,
    ChangeAction.MILESTONE_CHANGED: Milestone,
    ChangeAction.MILESTONE_DELETED: Milestone,
    ChangeAction.RISK_ADDED: Risk,
    ChangeAction.RISK_CHANGED: Risk,
    ChangeAction.RISK_DELETED: Risk,
    ChangeAction.INDICATOR_ADDED: Indicator,
    ChangeAction.INDICATOR_CHANGED: Indicator,
    ChangeAction.INDICATOR_DELETED: Indicator,
    ChangeAction.MEASUREMENT_SAVED: Measurement,
    ChangeAction.MEASUREMENT_DELETED: Measurement,
    ChangeAction.MEMBER_ADDED: GroupMember,
    ChangeAction.MEMBER_CHANGED: GroupMember,
    ChangeAction.MEMBER_REMOVED: GroupMember,
}

# Keys that are not fields of the subject's model.
EXTRA_LABELS = {
    "measurements": lambda: _("Measurements"),
}


@dataclass(frozen=True)
class Line:
    label: str
    old: str
    new: str


def json_value(value):
    """A field's value as stored in the history: dates as ISO text, decimals as text without
    trailing zeros, accounts and other rows as {"id", "name"}, lists of their texts."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "") else text
    if isinstance(value, models.Model):
        name = value.get_full_name() if hasattr(value, "get_full_name") else ""
        if not name and hasattr(value, "get_username"):
            name = value.get_username()
        return {"id": value.pk, "name": name or str(value)}
    if isinstance(value, list | tuple | set):
        return [json_value(item) for item in value]
    return str(value)


def _field(model, key: str):
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def field_label(model, key: str) -> str:
    """The field's label as the forms show it."""
    if key in EXTRA_LABELS:
        return str(EXTRA_LABELS[key]())
    field = _field(model, key) if model is not None else None
    if field is None or not hasattr(field, "verbose_name"):
        return _date_text(key) if _is_iso_date(key) else key
    return str(capfirst(field.verbose_name))


def _is_iso_date(text) -> bool:
    try:
        datetime.date.fromisoformat(str(text))
    except ValueError:
        return False
    return True


def _date_text(text: str) -> str:
    return date_format(datetime.date.fromisoformat(text), "DATE_FORMAT")


def _number_text(text: str) -> str:
    try:
        return number_format(Decimal(text), use_l10n=True)
    except (InvalidOperation, ValueError):
        return text


def format_value(model, key: str, value) -> str:
    """One stored value as text in the active language."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, dict):
        return str(value.get("name") or EMPTY)
    if isinstance(value, list):
        return "; ".join(format_value(model, key, item) for item in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    field = _field(model, key) if model is not None else None
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateField) or (field is None and _is_iso_date(value)):
        return _date_text(str(value))
    if isinstance(field, models.DecimalField) or (field is None and _is_number(value)):
        return _number_text(str(value))
    return str(value)


def _is_number(value) -> bool:
    if isinstance(value, int):
        return True
    try:
        Decimal(str(value))
    except (InvalidOperation, ValueError):
        return False
    return True


def change_lines(action: str, old: dict, new: dict) -> list[Line]:
    """The fields an entry changed, as lines of (label, before, after)."""
    model = SUBJECT_MODEL.get(action)
    old, new = old or {}, new or {}
    keys = list(new) + [key for key in old if key not in new]
    lines = []
    for key in keys:
        before, after = old.get(key), new.get(key)
        if key == "measurements" and (isinstance(before, dict) or isinstance(after, dict)):
            lines.extend(_measurement_lines(before or {}, after or {}))
            continue
        line = Line(
            field_label(model, key),
            format_value(model, key, before),
            format_value(model, key, after),
        )
        if line.old != line.new:
            lines.append(line)
    return lines


def _measurement_lines(before: dict, after: dict) -> list[Line]:
    """An import's measurements: one line per period, {ISO date: value} before and after."""
    periods = sorted(set(before) | set(after))
    return [
        Line(
            _date_text(period),
            _number_text(before[period]) if period in before else EMPTY,
            _number_text(after[period]) if period in after else EMPTY,
        )
        for period in periods
    ]
