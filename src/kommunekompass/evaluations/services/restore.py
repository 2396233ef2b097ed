"""Restoring a whole evaluation that another instance exported (see kommunekompass.bundles).

The one write path for an evaluation that arrives whole: `check_content` refuses anything that
does not fit this instance's framework version before anything is written; `restore_evaluation`
then writes every row as it was (times, versions, the history) and records one history entry,
"imported from bundle". Call it inside the caller's transaction: all or nothing.

`content` is keyed by the bundle's member names (evaluation.json, scores.json, ...); people are
named by user name and given as `people` (user name -> User); files by member name.
"""

import datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import (
    AuditAction,
    AuditEntry,
    Evaluation,
    EvaluationStatus,
    Evidence,
    Finding,
    FindingKind,
    Interview,
    InterviewRole,
    Priority,
    PublishedVersion,
    ReportedPoints,
    ResultLevel,
    ReviewComment,
    Score,
)
from kommunekompass.evaluations.services.base import ServiceError
from kommunekompass.scoring.engine import ScoreError, check_levels

LIST_MEMBERS = (
    "scores.json",
    "reported_points.json",
    "findings.json",
    "interviews.json",
    "evidence.json",
    "way_forward.json",
    "history.json",
    "review_comments.json",
    "published_versions.json",
)


class _Row:
    """Where a problem is: the member and the row, for the message."""

    def __init__(self, member: str, index: int | None = None):
        self.member, self.index = member, index

    def fail(self, problem: str):
        if self.index is None:
            message = _("%(member)s: %(problem)s") % {"member": self.member, "problem": problem}
        else:
            message = _("%(member)s, row %(row)s: %(problem)s") % {
                "member": self.member,
                "row": self.index + 1,
                "problem": problem,
            }
        raise ServiceError(message, field=self.member)


def _time(value):
    return datetime.datetime.fromisoformat(value) if value else None


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _check_row(where: _Row, row, required: dict) -> None:
    if not isinstance(row, dict):
        where.fail(_("not an object"))
    for key, kinds in required.items():
        if key not in row:
            where.fail(_("“%(field)s” is missing") % {"field": key})
        if not isinstance(row[key], kinds):
            where.fail(_("“%(field)s” has the wrong type") % {"field": key})


def _check_codes(where: _Row, codes, known: set[str], field: str) -> None:
    for code in codes if isinstance(codes, list) else [codes]:
        if code is not None and code not in known:
            where.fail(
                _("“%(field)s” names %(code)s, which this framework version does not have")
                % {"field": field, "code": code}
            )


def _check_time(where: _Row, row: dict, *fields: str) -> None:
    for field in fields:
        try:
            if row.get(field) is not None:
                (_date if field == "date" else _time)(row[field])
        except (TypeError, ValueError):
            where.fail(_("“%(field)s” is not a valid date or time") % {"field": field})


# Text fields with a length limit in the database: (member, field) -> the limit.
MAX_LENGTHS = {
    ("evaluation.json", "source"): 300,
    ("evidence.json", "title"): 300,
    ("evidence.json", "original_name"): 255,
    ("evidence.json", "content_type"): 120,
    ("evidence.json", "url"): 1000,
    ("review_comments.json", "subject"): 300,
    ("published_versions.json", "published_by_name"): 300,
    ("published_versions.json", "approved_by_name"): 300,
    ("published_versions.json", "submitted_by_name"): 300,
    ("published_versions.json", "spec_checksum"): 64,
    ("published_versions.json", "engine_version"): 20,
}


def _check_lengths(content: dict) -> None:
    for (member, field), limit in MAX_LENGTHS.items():
        rows = content[member]
        for index, row in enumerate(rows if isinstance(rows, list) else [rows]):
            value = row.get(field) if isinstance(row, dict) else None
            if value is not None and (not isinstance(value, str) or len(value) > limit):
                where = _Row(member, index if isinstance(rows, list) else None)
                where.fail(
                    _("“%(field)s” must be a text of at most %(limit)s characters")
                    % {"field": field, "limit": limit}
                )


def check_content(framework, content: dict, people: set[str]) -> None:
    """Refuse (ServiceError naming member and row) what cannot be restored here."""
    questions = set(framework.questions.values_list("code", flat=True))
    areas = set(framework.areas.values_list("code", flat=True))
    subareas = set(framework.subareas.values_list("code", flat=True))
    spec = framework.spec
    text, number = (str,), (int,)
    optional_text = (str, type(None))

    def users(where, row, *fields):
        for field in fields:
            if row.get(field) is not None and row[field] not in people:
                where.fail(_("“%(field)s” names a person not in people.json") % {"field": field})

    details = content["evaluation.json"]
    where = _Row("evaluation.json")
    _check_row(where, details, {"year": number, "status": text, "result_level": text})
    if details["status"] not in EvaluationStatus.values:
        where.fail(_("unknown status %(value)s") % {"value": details["status"]})
    if details["result_level"] not in ResultLevel.values:
        where.fail(_("unknown result level %(value)s") % {"value": details["result_level"]})
    _check_time(where, details, "date", "created_at", "published_at")
    users(where, details, "submitted_by")
    for member in LIST_MEMBERS:
        if not isinstance(content[member], list):
            _Row(member).fail(_("not a list"))
    team = content["team.json"]
    for field in ("evaluators", "reviewers"):
        for name in team.get(field, []) if isinstance(team, dict) else [None]:
            if name not in people:
                _Row("team.json").fail(_("names a person not in people.json"))
    for i, row in enumerate(content["scores.json"]):
        where = _Row("scores.json", i)
        _check_row(where, row, {"question": text, "levels": (dict,), "reason": text})
        _check_codes(where, row["question"], questions, "question")
        try:
            check_levels(spec.question(row["question"]), row["levels"])
        except ScoreError as error:
            where.fail(str(error))
        _check_time(where, row, "updated_at")
        users(where, row, "updated_by")
    for i, row in enumerate(content["reported_points.json"]):
        where = _Row("reported_points.json", i)
        _check_row(where, row, {"points": text})
        _check_codes(where, row.get("subarea"), subareas, "subarea")
        _check_codes(where, row.get("focus_area"), areas, "focus_area")
        try:
            Decimal(row["points"])
        except InvalidOperation:
            where.fail(_("“points” is not a number"))
    finding_ids = set()
    for i, row in enumerate(content["findings.json"]):
        where = _Row("findings.json", i)
        _check_row(where, row, {"id": number, "focus_area": text, "kind": text, "text": text})
        _check_codes(where, row["focus_area"], areas, "focus_area")
        _check_codes(where, row.get("questions", []), questions, "questions")
        if row["kind"] not in FindingKind.values:
            where.fail(_("unknown kind %(value)s") % {"value": row["kind"]})
        _check_time(where, row, "updated_at")
        users(where, row, "updated_by")
        finding_ids.add(row["id"])
    for i, row in enumerate(content["interviews.json"]):
        where = _Row("interviews.json", i)
        _check_row(where, row, {"role": text, "participants": text, "notes": text})
        if row["role"] not in InterviewRole.values:
            where.fail(_("unknown role %(value)s") % {"value": row["role"]})
        _check_codes(where, row.get("questions", []), questions, "questions")
        _check_time(where, row, "date")
    for i, row in enumerate(content["evidence.json"]):
        where = _Row("evidence.json", i)
        _check_row(where, row, {"title": text, "file": optional_text, "url": text})
        if row["file"] is not None and row["file"] not in content["_files"]:
            where.fail(_("its file is not in the bundle"))
        _check_codes(where, row.get("questions", []), questions, "questions")
        _check_time(where, row, "added_at")
        users(where, row, "added_by")
    for i, row in enumerate(content["way_forward.json"]):
        where = _Row("way_forward.json", i)
        _check_row(where, row, {"text": text, "position": number})
        _check_codes(where, row.get("focus_areas", []), areas, "focus_areas")
        if any(finding not in finding_ids for finding in row.get("findings", [])):
            where.fail(_("it names a finding that is not in findings.json"))
    for i, row in enumerate(content["history.json"]):
        where = _Row("history.json", i)
        _check_row(where, row, {"action": text, "subject": text, "note": text, "at": text})
        if row["action"] not in AuditAction.values:
            where.fail(_("unknown action %(value)s") % {"value": row["action"]})
        _check_time(where, row, "at")
        users(where, row, "user")
    for i, row in enumerate(content["review_comments.json"]):
        where = _Row("review_comments.json", i)
        _check_row(where, row, {"text": text, "subject": text, "answer": text})
        _check_codes(where, row.get("question"), questions, "question")
        if row.get("finding") is not None and row["finding"] not in finding_ids:
            where.fail(_("its finding is not in findings.json"))
        _check_time(where, row, "created_at", "answered_at", "resolved_at")
        users(where, row, "author", "answered_by", "resolved_by")
    _check_lengths(content)
    for i, row in enumerate(content["published_versions.json"]):
        where = _Row("published_versions.json", i)
        _check_row(where, row, {"number": number, "snapshot": text, "files": (dict,)})
        if row["number"] < 1:
            where.fail(_("the version number must be 1 or more"))
        if not set(row["files"]) <= {"pdf", "xlsx"}:
            where.fail(_("only a PDF and a workbook may be stored with a version"))
        if not all(isinstance(f, dict) for f in row["files"].values()):
            where.fail(_("“files” has the wrong type"))
        for member in [row["snapshot"], *(f.get("member") for f in row["files"].values())]:
            if member not in content["_files"]:
                where.fail(_("%(member)s is not in the bundle") % {"member": member})
        if row.get("framework", {}).get("checksum") != framework.checksum:
            where.fail(_("it was published with another framework version"))
        _check_time(where, row, "published_at")
        users(where, row, "published_by")


def _questions(framework) -> dict:
    return {q.code: q for q in framework.questions.all()}


def _keep_times(model, rows: list, times: list[dict]) -> None:
    """Put back the times that auto_now(_add) replaced on insert."""
    if not rows:
        return
    fields = sorted({field for item in times for field in item})
    for row, item in zip(rows, times, strict=True):
        for field, value in item.items():
            setattr(row, field, value)
    model.objects.bulk_update(rows, fields, batch_size=500)


def _set_questions(model, rows: list, codes: list[list[str]], questions: dict) -> None:
    through = model.questions.through
    column = f"{model._meta.model_name}_id"
    links = [
        through(**{column: row.pk, "question_id": questions[code].pk})
        for row, row_codes in zip(rows, codes, strict=True)
        for code in row_codes
    ]
    through.objects.bulk_create(links, batch_size=1000)


def restore_evaluation(
    *, user, municipality, framework, content: dict, people: dict, files: dict, stored: list
) -> Evaluation:
    """Write the evaluation and everything of it; `stored` collects the names of the files
    written to storage (the caller removes them if its transaction rolls back)."""
    questions = _questions(framework)
    areas = {a.code: a for a in framework.areas.all()}
    subareas = {s.code: s for s in framework.subareas.all()}

    def who(name):
        return people[name] if name is not None else None

    details = content["evaluation.json"]
    evaluation = Evaluation.objects.create(
        municipality=municipality,
        framework=framework,
        year=details["year"],
        date=_date(details.get("date")),
        status=details["status"],
        published_at=_time(details.get("published_at")),
        revision=details.get("revision", 0),
        result_level=details["result_level"],
        source=details.get("source", ""),
        submitted_by=who(details.get("submitted_by")),
        published_version=details.get("published_version", 0),
    )
    _keep_times(Evaluation, [evaluation], [{"created_at": _time(details["created_at"])}])
    team = content["team.json"]
    evaluation.evaluators.set([people[name] for name in team.get("evaluators", [])])
    evaluation.reviewers.set([people[name] for name in team.get("reviewers", [])])

    rows = content["scores.json"]
    scores = Score.objects.bulk_create(
        Score(
            evaluation=evaluation,
            question=questions[row["question"]],
            levels=row["levels"],
            reason=row["reason"],
            version=row.get("version", 1),
            updated_by=who(row.get("updated_by")),
        )
        for row in rows
    )
    _keep_times(Score, scores, [{"updated_at": _time(row["updated_at"])} for row in rows])

    ReportedPoints.objects.bulk_create(
        ReportedPoints(
            evaluation=evaluation,
            subarea=subareas.get(row.get("subarea")),
            focus_area=areas.get(row.get("focus_area")),
            points=Decimal(row["points"]),
        )
        for row in content["reported_points.json"]
    )

    rows = content["findings.json"]
    findings = Finding.objects.bulk_create(
        Finding(
            evaluation=evaluation,
            focus_area=areas[row["focus_area"]],
            kind=row["kind"],
            text=row["text"],
            position=row.get("position", 0),
            version=row.get("version", 1),
            updated_by=who(row.get("updated_by")),
        )
        for row in rows
    )
    _keep_times(Finding, findings, [{"updated_at": _time(row["updated_at"])} for row in rows])
    _set_questions(Finding, findings, [row.get("questions", []) for row in rows], questions)
    finding_by_id = {row["id"]: finding for row, finding in zip(rows, findings, strict=True)}

    rows = content["interviews.json"]
    interviews = Interview.objects.bulk_create(
        Interview(
            evaluation=evaluation,
            role=row["role"],
            date=_date(row.get("date")),
            held=bool(row.get("held")),
            participants=row["participants"],
            notes=row["notes"],
            version=row.get("version", 1),
        )
        for row in rows
    )
    _set_questions(Interview, interviews, [row.get("questions", []) for row in rows], questions)

    rows = content["evidence.json"]
    evidence = []
    for row in rows:
        item = Evidence(
            evaluation=evaluation,
            title=row["title"],
            original_name=row.get("original_name", ""),
            content_type=row.get("content_type", ""),
            size=row.get("size"),
            url=row["url"],
            version=row.get("version", 1),
            added_by=who(row.get("added_by")),
        )
        if row["file"]:
            name = PurePath(row.get("original_name") or row["file"]).name or "file"
            item.file.save(name, ContentFile(files[row["file"]]), save=False)
            stored.append(item.file.name)
        item.save()
        evidence.append(item)
    _keep_times(Evidence, evidence, [{"added_at": _time(row["added_at"])} for row in rows])
    _set_questions(Evidence, evidence, [row.get("questions", []) for row in rows], questions)

    rows = content["way_forward.json"]
    priorities = Priority.objects.bulk_create(
        Priority(
            evaluation=evaluation,
            text=row["text"],
            position=row["position"],
            version=row.get("version", 1),
        )
        for row in rows
    )
    for row, priority in zip(rows, priorities, strict=True):
        priority.focus_areas.set([areas[code] for code in row.get("focus_areas", [])])
        priority.findings.set([finding_by_id[pk] for pk in row.get("findings", [])])

    rows = content["review_comments.json"]
    comments = ReviewComment.objects.bulk_create(
        ReviewComment(
            evaluation=evaluation,
            question=questions.get(row.get("question")),
            finding=finding_by_id.get(row.get("finding")),
            subject=row["subject"],
            author=who(row.get("author")),
            text=row["text"],
            answer=row["answer"],
            answered_by=who(row.get("answered_by")),
            answered_at=_time(row.get("answered_at")),
            resolved_by=who(row.get("resolved_by")),
            resolved_at=_time(row.get("resolved_at")),
        )
        for row in rows
    )
    _keep_times(ReviewComment, comments, [{"created_at": _time(row["created_at"])} for row in rows])

    for row in content["published_versions.json"]:
        version = PublishedVersion(
            evaluation=evaluation,
            number=row["number"],
            published_at=_time(row["published_at"]),
            published_by=who(row.get("published_by")),
            published_by_name=row.get("published_by_name", ""),
            approved_by_name=row.get("approved_by_name", ""),
            submitted_by_name=row.get("submitted_by_name", ""),
            published_alone=bool(row.get("published_alone")),
            reason=row.get("reason", ""),
            changes=row.get("changes", []),
            framework=framework,
            spec_checksum=row["spec_checksum"],
            engine_version=row["engine_version"],
            complete=bool(row["complete"]),
            data=content["_snapshots"][row["snapshot"]],
        )
        for field, item in sorted(row["files"].items()):
            name = PurePath(item.get("name") or "").name or f"report.{field}"
            getattr(version, field).save(name, ContentFile(files[item["member"]]), save=False)
            stored.append(getattr(version, field).name)
        version.save()

    rows = content["history.json"]
    entries = AuditEntry.objects.bulk_create(
        AuditEntry(
            municipality=municipality,
            evaluation=evaluation,
            user=who(row.get("user")),
            action=row["action"],
            subject=row["subject"][:200],
            old=row.get("old"),
            new=row.get("new"),
            note=row["note"],
        )
        for row in rows
    )
    _keep_times(AuditEntry, entries, [{"at": _time(row["at"])} for row in rows])
    return evaluation


def record_import(evaluation: Evaluation, user, note: str) -> AuditEntry:
    """The one history entry of the import (after the history the bundle brought)."""
    return record(evaluation, user, AuditEntry.Action.IMPORTED, "", None, None, note)
