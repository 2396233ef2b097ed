"""Saving one question's levels and reason, with a version check and the history entry."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import AuditEntry, Score
from kommunekompass.evaluations.services.base import actor, lock_for_change
from kommunekompass.scoring.engine import check_levels


@dataclass(frozen=True)
class SaveOutcome:
    score: Score | None
    saved: bool  # False when nothing changed
    conflict: bool = False  # the score changed since the user's page was loaded


def save_score(
    *, evaluation, question, levels: dict, reason: str, expected_version: int, user
) -> SaveOutcome:
    """Save one question's levels and reason, if nobody else saved it since `expected_version`.

    `expected_version` is the version the user's page showed (0: no score yet). On a conflict
    nothing is written and the current score is returned, so the user can be shown it. Raises
    EvaluationReadOnly when the evaluation is published or withdrawn (also when that happened
    while the user was editing: the row lock orders this save and publishing).
    """
    spec_question = evaluation.framework.spec.question(question.code)
    check_levels(spec_question, levels)  # raises ScoreError: the form should have caught it
    reason = reason.strip()
    try:
        with transaction.atomic():
            current = lock_for_change(evaluation)
            score = Score.objects.filter(evaluation=current, question=question).first()
            current_version = score.version if score else 0
            if current_version != expected_version:
                return SaveOutcome(score, saved=False, conflict=True)
            old = {"levels": score.levels, "reason": score.reason} if score else None
            new = {"levels": levels, "reason": reason}
            if old == new:
                return SaveOutcome(score, saved=False)
            if score is None:
                score = Score.objects.create(
                    evaluation=current,
                    question=question,
                    levels=levels,
                    reason=reason,
                    version=1,
                    updated_by=actor(user),
                )
            else:
                updated = Score.objects.filter(pk=score.pk, version=expected_version).update(
                    levels=levels,
                    reason=reason,
                    version=F("version") + 1,
                    updated_by=actor(user),
                    updated_at=timezone.now(),
                )
                if not updated:
                    score.refresh_from_db()
                    return SaveOutcome(score, saved=False, conflict=True)
                score.refresh_from_db()
            record(current, user, AuditEntry.Action.SCORE, question.code, old, new)
            return SaveOutcome(score, saved=True)
    except IntegrityError:
        # Another evaluator created the first score of this question at the same moment.
        score = Score.objects.filter(evaluation=evaluation, question=question).first()
        return SaveOutcome(score, saved=False, conflict=True)
