"""Saving scores with a version check, and computing an evaluation's results with the engine."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import AuditEntry, Evaluation, ResultLevel, Score
from kommunekompass.evaluations.summaries import results_for
from kommunekompass.scoring.engine import Result, check_levels, score_framework


class EvaluationReadOnly(Exception):
    """The evaluation was published while the user was editing."""


@dataclass(frozen=True)
class SaveOutcome:
    score: Score | None
    saved: bool  # False when nothing changed
    conflict: bool = False  # the score changed since the user's page was loaded


def levels_by_question(evaluation: Evaluation) -> dict[str, dict[str, int]]:
    """{question code: levels} for every score of the evaluation: one query."""
    return {
        code: levels
        for code, levels in Score.objects.filter(evaluation=evaluation).values_list(
            "question__code", "levels"
        )
    }


def evaluation_result(evaluation: Evaluation, levels: dict | None = None) -> Result:
    """The engine's result of one evaluation, at whatever level its results are known."""
    if evaluation.result_level != ResultLevel.QUESTION:
        return results_for([evaluation])[evaluation.pk]
    spec = evaluation.framework.spec
    if levels is None:
        levels = levels_by_question(evaluation)
    return score_framework(spec, levels)


def save_score(
    *, evaluation, question, levels: dict, reason: str, expected_version: int, user
) -> SaveOutcome:
    """Save one question's levels and reason, if nobody else saved it since `expected_version`.

    `expected_version` is the version the user's page showed (0: no score yet). On a conflict
    nothing is written and the current score is returned, so the user can be shown it.
    """
    spec_question = evaluation.framework.spec.question(question.code)
    check_levels(spec_question, levels)  # raises ScoreError: the form should have caught it
    reason = reason.strip()
    try:
        with transaction.atomic():
            status = Evaluation.objects.filter(pk=evaluation.pk).values_list("status", flat=True)
            if status.get() == Evaluation.Status.PUBLISHED:
                raise EvaluationReadOnly
            score = Score.objects.filter(evaluation=evaluation, question=question).first()
            current_version = score.version if score else 0
            if current_version != expected_version:
                return SaveOutcome(score, saved=False, conflict=True)
            old = {"levels": score.levels, "reason": score.reason} if score else None
            new = {"levels": levels, "reason": reason}
            if old == new:
                return SaveOutcome(score, saved=False)
            if score is None:
                score = Score.objects.create(
                    evaluation=evaluation,
                    question=question,
                    levels=levels,
                    reason=reason,
                    version=1,
                    updated_by=user,
                )
            else:
                updated = Score.objects.filter(pk=score.pk, version=expected_version).update(
                    levels=levels,
                    reason=reason,
                    version=F("version") + 1,
                    updated_by=user,
                    updated_at=timezone.now(),
                )
                if not updated:
                    score.refresh_from_db()
                    return SaveOutcome(score, saved=False, conflict=True)
                score.refresh_from_db()
            record(evaluation, user, AuditEntry.Action.SCORE, question.code, old, new)
            return SaveOutcome(score, saved=True)
    except IntegrityError:
        # Another evaluator created the first score of this question at the same moment.
        score = Score.objects.filter(evaluation=evaluation, question=question).first()
        return SaveOutcome(score, saved=False, conflict=True)


def areas_with_results(evaluation: Evaluation, result: Result) -> list[tuple]:
    """(area spec, area result) pairs in the framework's order."""
    nodes = [area for perspective in result.children for area in perspective.children]
    return list(zip(evaluation.framework.spec.areas, nodes, strict=True))
