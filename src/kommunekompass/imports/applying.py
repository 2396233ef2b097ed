"""The database side of an import: what the planner needs to know, and writing a plan.

`import_results` reads, checks and (unless it is a dry run) writes in one transaction: all or
nothing. Nothing is written when the plan has an error. What is written is recorded as an
ImportBatch (file name, SHA-256, who, when, the evaluations), and in each evaluation's history.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from kommunekompass.evaluations.audit import entry, record_many
from kommunekompass.evaluations.models import (
    AuditEntry,
    Evaluation,
    Municipality,
    ReportedPoints,
    ResultLevel,
    Score,
)
from kommunekompass.evaluations.services.workflow import publish_imported_many
from kommunekompass.frameworks.models import FocusArea, Framework, Question, SubArea
from kommunekompass.imports.models import ImportBatch
from kommunekompass.imports.parsing import limits, read_table
from kommunekompass.imports.planning import (
    Context,
    ImportPlan,
    PlannedEvaluation,
    Problem,
    plan_import,
)


@dataclass
class ImportOutcome:
    plan: ImportPlan
    written: bool
    evaluation_ids: list[int]
    sha256: str = ""
    batch_id: int | None = None


class AlreadyImported(Exception):
    """Evaluations of the file exist already (imported meanwhile, e.g. by a parallel import)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def build_context(default_framework: tuple[str, str] | None = None) -> Context:
    municipalities = {
        (country, number): (pk, name)
        for pk, country, number, name in Municipality.objects.values_list(
            "pk", "country", "number", "name"
        )
    }
    frameworks = {(f.key, f.version): f.spec for f in Framework.objects.all()}
    existing = set(
        Evaluation.objects.values_list(
            "municipality_id", "framework__key", "framework__version", "year"
        )
    )
    return Context(municipalities, frameworks, existing, default_framework)


def import_results(
    data: bytes,
    filename: str,
    *,
    default_framework: tuple[str, str] | None = None,
    dry_run: bool = False,
    user=None,
    progress: Callable[[int, int], None] | None = None,
    checking: Callable[[int, int], None] | None = None,
) -> ImportOutcome:
    """Check the file and (unless it is a dry run or has errors) write it, all or nothing.
    `checking(rows checked, rows)` is told as the rows are checked, `progress(evaluations
    written, evaluations)` as they are written.

    An evaluation that exists by the time of writing (another import of the same file got
    there first) is an error of the plan, as if the check had found it: nothing is written."""
    limit = limits()
    sha256 = hashlib.sha256(data).hexdigest()
    table = read_table(data, filename, limit=limit)
    context = build_context(default_framework)
    plan = plan_import(table, context, limit.max_errors, progress=checking)
    if not plan.ok or dry_run:
        return ImportOutcome(plan, written=False, evaluation_ids=[], sha256=sha256)
    try:
        batch = write_plan(plan, user, progress, sha256=sha256)
    except AlreadyImported as conflict:
        plan.errors.extend(conflict.problems)
        return ImportOutcome(plan, written=False, evaluation_ids=[], sha256=sha256)
    created = sorted(batch.evaluation_ids)
    return ImportOutcome(plan, True, created, sha256=sha256, batch_id=batch.pk)


def _identity(planned: PlannedEvaluation, frameworks) -> tuple[int, int, int]:
    framework = frameworks[(planned.framework_key, planned.framework_version)]
    return (planned.municipality_id, framework.pk, planned.year)


def _already_there(plan: ImportPlan, frameworks) -> list[Problem]:
    """A problem for each planned evaluation that exists in the database now."""
    wanted = {_identity(planned, frameworks): planned for planned in plan.evaluations}
    existing = Evaluation.objects.filter(
        municipality_id__in={m for m, _f, _y in wanted},
        framework_id__in={f for _m, f, _y in wanted},
        year__in={y for _m, _f, y in wanted},
    ).values_list("municipality_id", "framework_id", "year")
    found = [wanted[identity] for identity in existing if identity in wanted]
    return [
        Problem(
            plan.filename,
            planned.first_row,
            "year",
            gettext("%(municipality)s already has a %(key)s %(version)s evaluation for %(year)s.")
            % {
                "municipality": planned.municipality_name,
                "key": planned.framework_key,
                "version": planned.framework_version,
                "year": planned.year,
            },
        )
        for planned in sorted(found, key=lambda p: p.first_row)
    ]


def _who(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return (user.get_full_name() or user.get_username())[:300]


def write_plan(plan: ImportPlan, user=None, progress=None, *, sha256: str = "") -> ImportBatch:
    """Write the plan's evaluations in one transaction, publish them together (version 1 of
    each, see publish_imported_many), and record the file as an ImportBatch (its
    `evaluation_ids` attribute lists what was created).

    Raises AlreadyImported, with nothing written, when any of them exists: checked inside the
    transaction, and caught from the database's unique constraint when a parallel import
    commits the same evaluation between the check and the insert."""
    frameworks = {(f.key, f.version): f for f in Framework.objects.defer("document", "source")}
    try:
        with transaction.atomic():
            problems = _already_there(plan, frameworks)
            if problems:
                raise AlreadyImported(problems)
            batch = ImportBatch.objects.create(
                file_name=plan.filename[:300],
                sha256=sha256,
                imported_by=user if getattr(user, "is_authenticated", False) else None,
                imported_by_name=_who(user),
                imported_at=timezone.now(),
                rows=plan.rows,
            )
            created = _write(plan, frameworks, user, progress, sha256)
            batch.evaluations.add(*created)
            batch.evaluation_ids = created
            return batch
    except IntegrityError:
        problems = _already_there(plan, frameworks)
        if not problems:
            raise
        raise AlreadyImported(problems) from None


def _write(plan: ImportPlan, frameworks, user, progress, sha256: str) -> list[int]:
    questions, subareas, areas = {}, {}, {}
    for framework_id, code, pk in Question.objects.values_list("framework_id", "code", "pk"):
        questions[(framework_id, code)] = pk
    for framework_id, code, pk in SubArea.objects.values_list("framework_id", "code", "pk"):
        subareas[(framework_id, code)] = pk
    for framework_id, code, pk in FocusArea.objects.values_list("framework_id", "code", "pk"):
        areas[(framework_id, code)] = pk
    note = f"Imported from {plan.filename}"
    by = _who(user) or "a system import"
    municipalities = Municipality.objects.in_bulk({p.municipality_id for p in plan.evaluations})
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(
            municipality=municipalities[planned.municipality_id],
            framework=frameworks[(planned.framework_key, planned.framework_version)],
            year=planned.year,
            status=Evaluation.Status.DRAFT,
            result_level=planned.level,
            source=f"import: {plan.filename}"[:300],
            report_language=municipalities[planned.municipality_id].report_language,
        )
        for planned in plan.evaluations
    )
    scores, reported = [], []
    updated_by_id = user.pk if getattr(user, "is_authenticated", False) else None
    for planned, evaluation in zip(plan.evaluations, evaluations, strict=True):
        framework_id = evaluation.framework_id
        if planned.level == ResultLevel.QUESTION:
            scores.extend(
                Score(
                    evaluation_id=evaluation.pk,
                    question_id=questions[(framework_id, code)],
                    levels=levels,
                    reason=planned.reasons.get(code, ""),
                    updated_by_id=updated_by_id,
                )
                for code, levels in planned.levels.items()
            )
        elif planned.level == ResultLevel.SUBAREA:
            reported.extend(
                ReportedPoints(
                    evaluation=evaluation, subarea_id=subareas[(framework_id, code)], points=points
                )
                for code, points in planned.points.items()
            )
        elif planned.level == ResultLevel.AREA:
            reported.extend(
                ReportedPoints(
                    evaluation=evaluation, focus_area_id=areas[(framework_id, code)], points=points
                )
                for code, points in planned.points.items()
            )
        else:  # the total alone: neither a sub-area nor an area
            reported.append(ReportedPoints(evaluation=evaluation, points=planned.points["total"]))
    Score.objects.bulk_create(scores, batch_size=2000)
    ReportedPoints.objects.bulk_create(reported, batch_size=2000)
    record_many(
        [
            entry(
                evaluation,
                user,
                AuditEntry.Action.CREATED,
                str(evaluation),
                note=f"{note} (SHA-256 {sha256 or 'unknown'}), {planned.rows} rows, by {by}",
            )
            for planned, evaluation in zip(plan.evaluations, evaluations, strict=True)
        ]
    )
    # All at once: each version's snapshot sees the file's other evaluations as published.
    publish_imported_many(evaluations, user, note, progress=progress)
    return [evaluation.pk for evaluation in evaluations]
