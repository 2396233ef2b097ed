"""The history as people read it: each stored entry turned into a title and rows of
(field label as the pages show it, old text, new text), in the active language.

Pure: no database. It reads the entry's stored values and the framework's spec (dimension
names, question texts, area names), so the page shows "Status: Utkast -> Til gjennomgang" and
"System/prosess: 2, Omfang: 1", never a stored key.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kommunekompass.evaluations.models import (
    AuditAction,
    Country,
    EvaluationStatus,
    FindingKind,
    InterviewRole,
    MembershipRole,
    ReportLanguage,
)
from kommunekompass.frameworks.spec import pick_text

SHORT_TEXT = 70


@dataclass
class HistoryLine:
    title: str
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    note: str = ""


def _status_steps() -> dict[str, str]:
    return {
        "submit": _("Sent to review"),
        "return": _("Back to draft"),
        "publish": _("Published"),
        "reopen": _("Reopened"),
        "import": _("Imported"),
        "withdraw": _("Withdrawn"),
    }


def _labels() -> dict[str, str]:
    """Field label per stored key, as the pages show them."""
    return {
        "status": _("Status"),
        "levels": _("Levels"),
        "reason": _("Reason"),
        "kind": _("Kind"),
        "text": _("Finding"),
        "questions": _("Questions"),
        "position": _("Position"),
        "role": _("Role"),
        "date": _("Date"),
        "report_language": _("Report language"),
        "held": _("Held"),
        "participants": _("Participants"),
        "notes": _("Notes"),
        "title": _("Title"),
        "file": _("File"),
        "url": _("Link"),
        "name": _("Comparison group"),
        "priorities": _("Way forward"),
        "evaluators": _("Evaluator team"),
        "reviewers": _("Reviewers"),
        "team": _("Evaluator team"),
        "answer": _("Answer"),
        "resolved": _("Resolved"),
        "version": _("Version"),
        "submitted_by": _("Sent to review by"),
        "approved_by": _("Approved by"),
        "links": _("Linked to"),
        "year": _("Year"),
        "framework": _("Framework"),
        "interviews": _("Interviews"),
        "evidence": _("Evidence"),
        "findings": _("Findings"),
        "number": _("Municipality number"),
        "county": _("County"),
        "country": _("Country"),
        "population": _("Population"),
    }


def short(text: str, length: int = SHORT_TEXT) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def question_label(code: str, spec, language: str) -> str:
    """ "1.1.1 Short text of the question" (the code alone if the framework lacks it)."""
    question = spec.question(code) if spec is not None else None
    if question is None:
        return code
    return f"{code} {short(pick_text(question.text, language))}"


def levels_text(levels: dict, code: str, spec, language: str) -> str:
    """ "System/prosess: 2, Omfang: 1" in the order of the question's dimensions."""
    if not levels:
        return "–"
    question = spec.question(code) if spec is not None else None
    if question is None:
        return ", ".join(f"{key}: {value}" for key, value in levels.items())
    parts = []
    for dimension in question.scheme.dimensions:
        if dimension.code in levels:
            parts.append(f"{pick_text(dimension.name, language)}: {levels[dimension.code]}")
    known = {d.code for d in question.scheme.dimensions}
    parts += [f"{key}: {value}" for key, value in levels.items() if key not in known]
    return ", ".join(parts)


def _date(value) -> str:
    if not value:
        return "–"
    try:
        day = datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return date_format(day, "DATE_FORMAT")


def _value(key: str, value, *, action: str, subject: str, spec, language: str) -> str:
    """One stored value as the pages show it."""
    if value is None or value == "" or value == []:
        return "–"
    if key == "status":
        return str(dict(EvaluationStatus.choices).get(value, value))
    if key == "kind":
        return str(dict(FindingKind.choices).get(value, value))
    if key == "role":
        roles = MembershipRole.choices if action.startswith("membership") else InterviewRole.choices
        return str(dict(roles).get(value, value))
    if key == "levels":
        return levels_text(value, subject, spec, language)
    if key == "questions":
        return "; ".join(question_label(code, spec, language) for code in value)
    if key == "date":
        return _date(value)
    if key == "report_language":
        return str(dict(ReportLanguage.choices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key == "priorities":
        return "\n".join(f"{number}. {text}" for number, text in enumerate(value, start=1))
    if key == "links":
        return "\n".join(str(item) for item in value)
    if key == "country":
        return str(dict(Country.choices).get(value, value))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


# Keys stored for the record that people need not see.
HIDDEN = {"key"}


def _title(entry, spec, language: str) -> str:
    action, subject = entry.action, entry.subject or ""
    label = str(dict(AuditAction.choices).get(action, action))
    values = entry.new or entry.old or {}
    if action == AuditAction.SCORE:
        return f"{label}: {question_label(subject, spec, language)}"
    if action.startswith("finding"):
        code = subject.split(" #")[0]
        area = spec.area(code) if spec is not None else None
        name = f"{code}. {pick_text(area.name, language)}" if area is not None else code
        return f"{label}: {_('Focus area')} {name}"
    if action == AuditAction.STATUS:
        step = _status_steps().get(subject)
        return f"{label}: {step}" if step else label
    if action.startswith("interview") and values.get("role"):
        return f"{label}: {dict(InterviewRole.choices).get(values['role'], '')}"
    if action.startswith("evidence") and values.get("title"):
        return f"{label}: {values['title']}"
    if action.startswith("comment"):
        about = question_label(subject, spec, language) if subject else _("the evaluation")
        return f"{label}: {about}"
    if action.startswith(("membership", "municipality")) or action in (
        AuditAction.CREATED,
        AuditAction.EVALUATION_DELETED,
    ):
        return f"{label}: {subject}" if subject else label
    return label


def describe(entry, spec=None, language: str = "nb") -> HistoryLine:
    """The entry (anything with action, subject, old, new, note) as a title and rows."""
    labels = _labels()
    if entry.action.startswith("municipality"):
        labels["name"] = _("Name")
    old, new = entry.old or {}, entry.new or {}
    if not isinstance(old, dict):
        old = {"value": old}
    if not isinstance(new, dict):
        new = {"value": new}
    keys = [k for k in dict.fromkeys([*old, *new]) if k not in HIDDEN]
    rows = []
    for key in keys:
        before, after = old.get(key), new.get(key)
        if entry.old and entry.new and before == after and key not in ("status",):
            continue  # unchanged: only the changes are listed
        context = {"action": entry.action, "subject": entry.subject or "", "spec": spec}
        rows.append(
            (
                labels.get(key, key),
                _value(key, before, language=language, **context) if entry.old else "–",
                _value(key, after, language=language, **context) if entry.new else "–",
            )
        )
    return HistoryLine(title=_title(entry, spec, language), rows=rows, note=entry.note or "")
