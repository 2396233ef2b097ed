"""Exporting an evaluation to a bundle: every row of it as JSON members, with its files.

People are named by user name (with e-mail and name in people.json), framework nodes by their
codes, rows of the bundle by their id in the exporting instance (only to refer to each other:
a review comment to its finding). See docs/bundle-format.md.
"""

import datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import PurePath

from django.utils import timezone
from django.utils.translation import gettext as _

from kommunekompass.bundles import format as bundle_format
from kommunekompass.comparisons.models import ReportGroup
from kommunekompass.evaluations.models import (
    AuditEntry,
    Evaluation,
    Evidence,
    Finding,
    Interview,
    Priority,
    PublishedVersion,
    ReportedPoints,
    ReviewComment,
    Score,
)

_SAFE_SUFFIX = set("abcdefghijklmnopqrstuvwxyz0123456789")


def app_version() -> str:
    try:
        return package_version("kommunekompass")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree without install
        return "unknown"


def _time(value) -> str | None:
    return value.astimezone(datetime.UTC).isoformat() if value is not None else None


def _date(value) -> str | None:
    return value.isoformat() if value is not None else None


def _suffix(filename: str) -> str:
    suffix = PurePath(filename or "").suffix.lower()[1:]
    return f".{suffix}" if suffix and len(suffix) <= 10 and set(suffix) <= _SAFE_SUFFIX else ""


class _People:
    """Every user the bundle names, by user name."""

    def __init__(self):
        self.users = {}

    def __call__(self, user) -> str | None:
        if user is None:
            return None
        self.users[user.get_username()] = user
        return user.get_username()

    def rows(self) -> dict:
        return {
            name: {"email": u.email, "first_name": u.first_name, "last_name": u.last_name}
            for name, u in sorted(self.users.items())
        }


def _codes(questions) -> list[str]:
    return sorted(q.code for q in questions)


def _comparison_group(evaluation) -> dict:
    row = ReportGroup.objects.filter(evaluation=evaluation).select_related("custom_group").first()
    if row is None:
        return {"key": "all"}
    if row.custom_group is None:
        return {"key": row.key}
    members = row.custom_group.municipalities.order_by("country", "number")
    return {
        "custom": {
            "name": row.custom_group.name,
            "municipalities": [{"country": m.country, "number": m.number} for m in members],
        }
    }


class ExportError(ValueError):
    """The evaluation cannot be exported as it stands (a stored file is missing)."""


def _read_file(field) -> bytes:
    try:
        with field.open("rb") as stream:
            return stream.read()
    except OSError as error:
        raise ExportError(
            _("The stored file %(name)s cannot be read (%(error)s); nothing was exported.")
            % {"name": field.name, "error": error.strerror or error}
        ) from error


def collect(evaluation: Evaluation) -> tuple[dict, dict[str, bytes]]:
    """The manifest header and the members of the evaluation's bundle."""
    person = _People()
    members: dict[str, bytes] = {}
    framework = evaluation.framework
    municipality = evaluation.municipality

    details = {
        "id": evaluation.pk,
        "year": evaluation.year,
        "date": _date(evaluation.date),
        "status": evaluation.status,
        "created_at": _time(evaluation.created_at),
        "published_at": _time(evaluation.published_at),
        "revision": evaluation.revision,
        "result_level": evaluation.result_level,
        "source": evaluation.source,
        "submitted_by": person(evaluation.submitted_by),
        "published_version": evaluation.published_version,
        "municipality": {
            "name": municipality.name,
            "number": municipality.number,
            "country": municipality.country,
            "county": municipality.county,
            "population": municipality.population,
        },
        "framework": {
            "key": framework.key,
            "version": framework.version,
            "checksum": framework.checksum,
        },
    }
    team = {
        "evaluators": sorted(person(u) for u in evaluation.evaluators.all()),
        "reviewers": sorted(person(u) for u in evaluation.reviewers.all()),
    }
    scores = [
        {
            "question": s.question.code,
            "levels": s.levels,
            "reason": s.reason,
            "version": s.version,
            "updated_by": person(s.updated_by),
            "updated_at": _time(s.updated_at),
        }
        for s in Score.objects.filter(evaluation=evaluation)
        .select_related("question", "updated_by")
        .order_by("question__position", "question__code")
    ]
    reported = [
        {
            "subarea": r.subarea.code if r.subarea else None,
            "focus_area": r.focus_area.code if r.focus_area else None,
            "points": str(r.points),
        }
        for r in ReportedPoints.objects.filter(evaluation=evaluation)
        .select_related("subarea", "focus_area")
        .order_by("id")
    ]
    findings = [
        {
            "id": f.pk,
            "focus_area": f.focus_area.code,
            "kind": f.kind,
            "text": f.text,
            "position": f.position,
            "questions": _codes(f.questions.all()),
            "version": f.version,
            "updated_by": person(f.updated_by),
            "updated_at": _time(f.updated_at),
        }
        for f in Finding.objects.filter(evaluation=evaluation)
        .select_related("focus_area", "updated_by")
        .prefetch_related("questions")
        .order_by("id")
    ]
    interviews = [
        {
            "id": i.pk,
            "role": i.role,
            "date": _date(i.date),
            "held": i.held,
            "participants": i.participants,
            "notes": i.notes,
            "questions": _codes(i.questions.all()),
            "version": i.version,
        }
        for i in Interview.objects.filter(evaluation=evaluation)
        .prefetch_related("questions")
        .order_by("id")
    ]
    evidence = []
    for item in (
        Evidence.objects.filter(evaluation=evaluation)
        .select_related("added_by")
        .prefetch_related("questions")
        .order_by("id")
    ):
        member = None
        if item.file:
            member = f"evidence/{item.pk}{_suffix(item.original_name or item.file.name)}"
            members[member] = _read_file(item.file)
        evidence.append(
            {
                "id": item.pk,
                "title": item.title,
                "file": member,
                "original_name": item.original_name,
                "content_type": item.content_type,
                "size": item.size,
                "url": item.url,
                "questions": _codes(item.questions.all()),
                "version": item.version,
                "added_by": person(item.added_by),
                "added_at": _time(item.added_at),
            }
        )
    way_forward = [
        {
            "text": p.text,
            "position": p.position,
            "version": p.version,
            "focus_areas": sorted(a.code for a in p.focus_areas.all()),
            "findings": sorted(f.pk for f in p.findings.all()),
        }
        for p in Priority.objects.filter(evaluation=evaluation)
        .prefetch_related("focus_areas", "findings")
        .order_by("position", "id")
    ]
    history = [
        {
            "id": e.pk,
            "at": _time(e.at),
            "user": person(e.user),
            "action": e.action,
            "subject": e.subject,
            "old": e.old,
            "new": e.new,
            "note": e.note,
        }
        for e in AuditEntry.objects.filter(evaluation=evaluation)
        .select_related("user")
        .order_by("id")
    ]
    comments = [
        {
            "id": c.pk,
            "question": c.question.code if c.question else None,
            "finding": c.finding_id,
            "subject": c.subject,
            "author": person(c.author),
            "text": c.text,
            "created_at": _time(c.created_at),
            "answer": c.answer,
            "answered_by": person(c.answered_by),
            "answered_at": _time(c.answered_at),
            "resolved_by": person(c.resolved_by),
            "resolved_at": _time(c.resolved_at),
        }
        for c in ReviewComment.objects.filter(evaluation=evaluation)
        .select_related("question", "author", "answered_by", "resolved_by")
        .order_by("id")
    ]
    versions = []
    for v in (
        PublishedVersion.objects.filter(evaluation=evaluation)
        .select_related("framework", "published_by")
        .order_by("number")
    ):
        folder = f"published/v{v.number}"
        members[f"{folder}/snapshot.json"] = bundle_format.to_json(v.data)
        files = {}
        for field in ("pdf", "xlsx"):
            stored = getattr(v, field)
            if stored:
                member = f"{folder}/report.{field}"
                members[member] = _read_file(stored)
                files[field] = {"member": member, "name": PurePath(stored.name).name}
        versions.append(
            {
                "number": v.number,
                "published_at": _time(v.published_at),
                "published_by": person(v.published_by),
                "published_by_name": v.published_by_name,
                "approved_by_name": v.approved_by_name,
                "submitted_by_name": v.submitted_by_name,
                "published_alone": v.published_alone,
                "reason": v.reason,
                "changes": v.changes,
                "framework": {
                    "key": v.framework.key,
                    "version": v.framework.version,
                    "checksum": v.framework.checksum,
                },
                "spec_checksum": v.spec_checksum,
                "engine_version": v.engine_version,
                "complete": v.complete,
                "snapshot": f"{folder}/snapshot.json",
                "files": files,
            }
        )

    content = {
        "evaluation.json": details,
        "team.json": team,
        "comparison_group.json": _comparison_group(evaluation),
        "scores.json": scores,
        "reported_points.json": reported,
        "findings.json": findings,
        "interviews.json": interviews,
        "evidence.json": evidence,
        "way_forward.json": way_forward,
        "history.json": history,
        "review_comments.json": comments,
        "published_versions.json": versions,
    }
    content["people.json"] = person.rows()
    for name, value in content.items():
        members[name] = bundle_format.to_json(value)
    header = {
        "app_version": app_version(),
        "created": _time(timezone.now()),
        "evaluation": {
            "municipality": {"number": municipality.number, "country": municipality.country},
            "framework": details["framework"],
            "year": evaluation.year,
        },
    }
    return header, members


def export_evaluation(evaluation: Evaluation) -> bytes:
    """The bundle of the evaluation, as bytes."""
    header, members = collect(evaluation)
    return bundle_format.build(members, header)


# The JSON members and what each holds: an object or a list of rows.
JSON_MEMBERS = {
    "evaluation.json": dict,
    "team.json": dict,
    "comparison_group.json": dict,
    "people.json": dict,
    "scores.json": list,
    "reported_points.json": list,
    "findings.json": list,
    "interviews.json": list,
    "evidence.json": list,
    "way_forward.json": list,
    "history.json": list,
    "review_comments.json": list,
    "published_versions.json": list,
}
