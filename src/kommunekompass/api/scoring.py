"""Scoring with a token: read an evaluation's scores with their versions, and save one
question's levels and reason as the scoring page does (same form, same access, same service:
evaluations.services.scores.save_score, with its version check and history entry).

A save carries the version of the score the client read (0: none yet); if someone saved the
question since, nothing is written and the answer is 409 with the current score."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Status

from kommunekompass.api.auth import TokenAuth
from kommunekompass.api.errors import checked, field_error
from kommunekompass.api.schemas import Error, Problems
from kommunekompass.api.work_schemas import ScoreConflict, ScoreIn, ScoreList, ScoreSaved
from kommunekompass.evaluations.access import get_evaluation
from kommunekompass.evaluations.forms import ScoreForm
from kommunekompass.evaluations.models import Score
from kommunekompass.evaluations.services.scores import save_score
from kommunekompass.frameworks.models import Question

router = Router(auth=TokenAuth(), tags=["scoring"])


def score_out(code: str, score: Score | None) -> dict:
    if score is None:
        return {
            "question": code,
            "levels": {},
            "reason": "",
            "version": 0,
            "updated_at": None,
            "updated_by": "",
        }
    person = score.updated_by
    return {
        "question": code,
        "levels": score.levels,
        "reason": score.reason,
        "version": score.version,
        "updated_at": score.updated_at,
        "updated_by": (person.get_full_name() or person.get_username()) if person else "",
    }


@router.get(
    "/evaluations/{evaluation_id}/scores",
    response={200: ScoreList, 401: Error, 404: Error},
    summary="Every scored question with its levels, reason and version",
)
def scores(request, evaluation_id: int):
    evaluation, _access = get_evaluation(request.auth, evaluation_id, "scores")
    found = (
        Score.objects.filter(evaluation=evaluation)
        .select_related("question", "updated_by")
        .order_by("question__position", "question__code")
    )
    return {
        "evaluation_id": evaluation.pk,
        "status": evaluation.status,
        "items": [score_out(score.question.code, score) for score in found],
    }


@router.put(
    "/evaluations/{evaluation_id}/scores/{question_code}",
    response={
        200: ScoreSaved,
        401: Error,
        403: Error,
        404: Error,
        409: ScoreConflict,
        422: Problems,
    },
    summary="Save one question's levels and reason (with the version read)",
)
def save(request, evaluation_id: int, question_code: str, payload: ScoreIn):
    evaluation, _access = get_evaluation(request.auth, evaluation_id, "edit")
    question_spec = evaluation.framework.spec.question(question_code)
    if question_spec is None:
        raise Http404(
            _("No question %(code)s in %(framework)s.")
            % {"code": question_code, "framework": evaluation.framework}
        )
    row = Question.objects.get(framework_id=evaluation.framework_id, code=question_code)
    data = {"reason": payload.reason, "version": payload.version}
    known = {dimension.code for dimension in question_spec.scheme.dimensions}
    unknown = sorted(set(payload.levels) - known)
    if unknown:
        raise field_error(
            f"levels.{unknown[0]}",
            _("“%(dimension)s” is not a dimension of this question (its dimensions: %(known)s).")
            % {"dimension": unknown[0], "known": ", ".join(sorted(known))},
        )
    for code, value in payload.levels.items():
        data[f"level_{code}"] = "" if value is None else str(value)
    form = ScoreForm(data, question_spec=question_spec)
    names = {f"level_{code}": f"levels.{code}" for code in known}
    cleaned = checked(form, names)
    outcome = save_score(
        evaluation=evaluation,
        question=row,
        levels=form.levels(),
        reason=cleaned["reason"],
        expected_version=cleaned["version"],
        user=request.auth,
    )
    if outcome.conflict:
        return Status(
            409,
            {
                "detail": _(
                    "Not saved: someone else saved this question after you read it. Their "
                    "version is given; send yours again with its version if it still holds."
                ),
                "current": score_out(question_code, outcome.score),
            },
        )
    return {**score_out(question_code, outcome.score), "saved": outcome.saved}
