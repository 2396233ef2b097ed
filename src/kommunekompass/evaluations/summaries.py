"""Results of many evaluations at once, for comparisons, rankings and histories.

`results_for` scores any set of evaluations in two queries, whatever level their results are
known at. `summaries_for` returns their stored summaries (total and area points), computing
and storing the ones that are missing or older than their evaluation; in steady state that is
one query for any number of evaluations.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from kommunekompass.evaluations.models import (
    Evaluation,
    EvaluationSummary,
    ReportedPoints,
    ResultLevel,
    Score,
)
from kommunekompass.scoring.engine import (
    QuestionResult,
    Result,
    score_framework,
    score_reported,
)


@dataclass(frozen=True)
class Summary:
    """Points to four decimals: plenty for comparing and ranking, and quick to add up.
    (The engine's exact fractions stay the truth for an evaluation's own report.)"""

    evaluation_id: int
    total: Decimal
    max_points: Decimal
    complete: bool
    areas: dict[str, Decimal]
    # Areas with nothing scored or reported: their points are unknown (shown as "–"), though
    # `areas` gives them 0, as the total counts them. Stored as null in EvaluationSummary.areas.
    unscored: frozenset[str] = frozenset()


def _decimal(value) -> Decimal:
    value = Fraction(value)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001"))


def results_for(evaluations: list[Evaluation]) -> dict[int, Result]:
    """The engine's result of each evaluation: scores and reported points, two queries.

    A total-only result (level "total") has its total complete and every area unknown, so its
    summary counts in rankings and averages of totals and lists every area as unscored."""
    by_level = defaultdict(list)
    for evaluation in evaluations:
        by_level[evaluation.result_level == ResultLevel.QUESTION].append(evaluation.pk)
    levels: dict[int, dict] = defaultdict(dict)
    if by_level[True]:
        rows = Score.objects.filter(evaluation__in=by_level[True]).values_list(
            "evaluation_id", "question__code", "levels"
        )
        for evaluation_id, code, question_levels in rows:
            levels[evaluation_id][code] = question_levels
    reported: dict[int, dict] = defaultdict(dict)
    if by_level[False]:
        rows = ReportedPoints.objects.filter(evaluation__in=by_level[False]).values_list(
            "evaluation_id", "subarea__code", "focus_area__code", "points"
        )
        for evaluation_id, subarea_code, area_code, points in rows:
            # Neither a sub-area nor an area: the total of a total-only result.
            reported[evaluation_id][subarea_code or area_code or "total"] = Fraction(points)
    results = {}
    for evaluation in evaluations:
        spec = evaluation.framework.spec
        if evaluation.result_level == ResultLevel.QUESTION:
            results[evaluation.pk] = score_framework(spec, levels[evaluation.pk])
        else:
            results[evaluation.pk] = score_reported(
                spec, evaluation.result_level, reported[evaluation.pk]
            )
    return results


def _nothing_known(node) -> bool:
    """True when nothing below the node is scored or reported: its points are unknown, not 0."""
    if isinstance(node, QuestionResult):
        return not node.scored
    if not node.children:  # a sub-area or area reported as a whole
        return bool(node.missing)
    return all(_nothing_known(child) for child in node.children)


def summary_of(evaluation_id: int, result: Result) -> Summary:
    areas = [area for p in result.children for area in p.children]
    return Summary(
        evaluation_id=evaluation_id,
        total=_decimal(result.points),
        max_points=_decimal(result.max_points),
        complete=result.complete,
        areas={area.code: _decimal(area.points) for area in areas},
        unscored=frozenset(area.code for area in areas if _nothing_known(area)),
    )


def summaries_for(evaluations: list[Evaluation]) -> dict[int, Summary]:
    """Summaries of these evaluations (which must come with their framework)."""
    stored = {
        row.evaluation_id: row
        for row in EvaluationSummary.objects.filter(evaluation__in=[e.pk for e in evaluations])
    }
    summaries, stale = {}, []
    for evaluation in evaluations:
        row = stored.get(evaluation.pk)
        if row is None or row.revision != evaluation.revision:
            stale.append(evaluation)
            continue
        summaries[evaluation.pk] = Summary(
            evaluation_id=evaluation.pk,
            total=row.total,
            max_points=row.max_points,
            complete=row.complete,
            areas={code: Decimal(points or 0) for code, points in row.areas.items()},
            unscored=frozenset(code for code, points in row.areas.items() if points is None),
        )
    if stale:
        fresh = results_for(stale)
        rows = []
        for evaluation in stale:
            summary = summary_of(evaluation.pk, fresh[evaluation.pk])
            summaries[evaluation.pk] = summary
            rows.append(
                EvaluationSummary(
                    evaluation_id=evaluation.pk,
                    revision=evaluation.revision,
                    total=summary.total,
                    max_points=summary.max_points,
                    complete=summary.complete,
                    areas={
                        code: None if code in summary.unscored else str(p)
                        for code, p in summary.areas.items()
                    },
                )
            )
        # Insert or replace in one statement: two requests that found the same summary
        # missing (an import and a publication reading the same comparison group) both write
        # it, and the second waits for the first and replaces it, instead of failing on the
        # primary key (PostgreSQL; SQLite's writers take turns anyway).
        EvaluationSummary.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["evaluation"],
            update_fields=["revision", "total", "max_points", "complete", "areas"],
        )
    return summaries
