"""The database side of an import: what the planner needs to know, and writing a plan.

`import_results` reads, checks and (unless it is a dry run) writes in one transaction: all or
nothing. Nothing is written when the plan has an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import (
    AuditEntry,
    Evaluation,
    Municipality,
    ReportedPoints,
    ResultLevel,
    Score,
)
from kommunekompass.frameworks.models import Framework, Question
from kommunekompass.imports.parsing import read_table
from kommunekompass.imports.planning import Context, ImportPlan, plan_import


@dataclass
class ImportOutcome:
    plan: ImportPlan
    written: bool
    evaluation_ids: list[int]


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
) -> ImportOutcome:
    plan = plan_import(read_table(data, filename), build_context(default_framework))
    if not plan.ok or dry_run:
        return ImportOutcome(plan, written=False, evaluation_ids=[])
    return ImportOutcome(plan, written=True, evaluation_ids=write_plan(plan, user, progress))


@transaction.atomic
def write_plan(plan: ImportPlan, user=None, progress=None) -> list[int]:
    frameworks = {(f.key, f.version): f for f in Framework.objects.defer("document", "source")}
    questions = {}
    for framework_id, code, pk in Question.objects.values_list("framework_id", "code", "pk"):
        questions[(framework_id, code)] = pk
    now = timezone.now()
    created = []
    for index, planned in enumerate(plan.evaluations, start=1):
        framework = frameworks[(planned.framework_key, planned.framework_version)]
        evaluation = Evaluation.objects.create(
            municipality_id=planned.municipality_id,
            framework=framework,
            year=planned.year,
            status=Evaluation.Status.PUBLISHED,
            published_at=now,
            result_level=planned.level,
            source=f"import: {plan.filename}"[:300],
        )
        if planned.level == ResultLevel.QUESTION:
            Score.objects.bulk_create(
                Score(
                    evaluation=evaluation,
                    question_id=questions[(framework.pk, code)],
                    levels=levels,
                    reason=planned.reasons.get(code, ""),
                    updated_by=user,
                )
                for code, levels in planned.levels.items()
            )
        else:
            ReportedPoints.objects.bulk_create(
                ReportedPoints(evaluation=evaluation, code=code, points=points)
                for code, points in planned.points.items()
            )
        record(
            evaluation,
            user,
            AuditEntry.Action.CREATED,
            str(evaluation),
            note=f"Imported from {plan.filename}, {planned.rows} rows",
        )
        created.append(evaluation.pk)
        if progress:
            progress(index, len(plan.evaluations))
    return created
