"""An evaluation's steps and its review with a token, as on the overview and the review page:
submit, return, publish (the approval), reopen and withdraw through
evaluations.services.workflow.change_status, with the access each step needs
(workflow.NEEDS, checked by evaluations.access.get_evaluation as the status view does); review
comments written, answered and resolved through evaluations.services.review."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status

from kommunekompass.api.auth import TokenAuth
from kommunekompass.api.errors import checked, field_error
from kommunekompass.api.schemas import Error, Problems
from kommunekompass.api.work_schemas import AnswerIn, CommentIn, CommentOut, StatusIn, StatusOut
from kommunekompass.evaluations.access import get_evaluation
from kommunekompass.evaluations.forms import AnswerForm, CommentForm, StatusForm
from kommunekompass.evaluations.models import Finding, ReviewComment
from kommunekompass.evaluations.services import review as review_service
from kommunekompass.evaluations.services.workflow import NEEDS, change_status
from kommunekompass.frameworks.models import Question

router = Router(auth=TokenAuth(), tags=["status and review"])

REFUSED = {401: Error, 403: Error, 404: Error, 409: Error, 422: Problems}


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


@router.post(
    "/evaluations/{evaluation_id}/status",
    response={200: StatusOut, **REFUSED},
    summary="Move the evaluation on: submit, return, publish, reopen or withdraw",
    description=(
        "Publishing is the approval: by someone on the team or a named reviewer who did not "
        "submit it, once every review comment is answered or resolved. Reopening and "
        "withdrawing need a `note` (the reason); publishing with unscored questions needs "
        "`confirm_missing`. A step the status does not allow answers 409."
    ),
)
def move_on(request, evaluation_id: int, payload: StatusIn):
    form = StatusForm(
        {"action": payload.action, "note": payload.note, "confirm_missing": payload.confirm_missing}
    )
    if not form.is_valid():
        get_evaluation(request.auth, evaluation_id, "review")  # 404 before saying more
        checked(form)
    cleaned = form.cleaned_data
    evaluation, _access = get_evaluation(request.auth, evaluation_id, NEEDS[cleaned["action"]])
    change_status(
        evaluation,
        cleaned["action"],
        request.auth,
        cleaned["note"],
        confirm_missing=cleaned["confirm_missing"],
    )
    evaluation.refresh_from_db()
    return {
        "id": evaluation.pk,
        "status": evaluation.status,
        "published_version": evaluation.published_version,
        "submitted_by": _name(evaluation.submitted_by),
    }


def comment_out(comment: ReviewComment) -> dict:
    return {
        "id": comment.pk,
        "subject": comment.subject,
        "question": comment.question.code if comment.question_id else None,
        "finding": comment.finding_id,
        "text": comment.text,
        "author": _name(comment.author),
        "created_at": comment.created_at,
        "answer": comment.answer,
        "answered_by": _name(comment.answered_by),
        "resolved": comment.is_resolved,
        "resolved_by": _name(comment.resolved_by),
        "state": comment.state,
    }


def _comments():
    return ReviewComment.objects.select_related("author", "answered_by", "resolved_by", "question")


@router.get(
    "/evaluations/{evaluation_id}/comments",
    response={200: list[CommentOut], 401: Error, 403: Error, 404: Error},
    summary="The review comments (for the team and the named reviewers)",
)
def comments(request, evaluation_id: int):
    evaluation, _access = get_evaluation(request.auth, evaluation_id, "review")
    return [comment_out(c) for c in _comments().filter(evaluation=evaluation).order_by("pk")]


@router.post(
    "/evaluations/{evaluation_id}/comments",
    response={201: CommentOut, **REFUSED},
    summary="Comment on a question, a finding or the whole evaluation while it is in review",
)
def add_comment(request, evaluation_id: int, payload: CommentIn):
    evaluation, _access = get_evaluation(request.auth, evaluation_id, "review")
    cleaned = checked(CommentForm({"text": payload.text}))
    question = finding = None
    if payload.question:
        question = Question.objects.filter(
            framework_id=evaluation.framework_id, code=payload.question
        ).first()
        if question is None:
            raise field_error("question", _("No such question in this framework."))
    if payload.finding is not None:
        finding = (
            Finding.objects.select_related("focus_area")
            .filter(pk=payload.finding, evaluation=evaluation)
            .first()
        )
        if finding is None:
            raise field_error("finding", _("No such finding in this evaluation."))
    comment = review_service.add_comment(
        evaluation=evaluation,
        user=request.auth,
        text=cleaned["text"],
        question=question,
        finding=finding,
    )
    return Status(201, comment_out(_comments().get(pk=comment.pk)))


def _comment(user, evaluation_id: int, comment_id: int) -> ReviewComment:
    evaluation, _access = get_evaluation(user, evaluation_id, "review")
    return get_object_or_404(ReviewComment, pk=comment_id, evaluation=evaluation)


@router.post(
    "/evaluations/{evaluation_id}/comments/{comment_id}/answer",
    response={200: CommentOut, **REFUSED},
    summary="The team's answer to a review comment",
)
def answer_comment(request, evaluation_id: int, comment_id: int, payload: AnswerIn):
    comment = _comment(request.auth, evaluation_id, comment_id)
    cleaned = checked(AnswerForm({"answer": payload.answer}))
    review_service.answer_comment(comment=comment, user=request.auth, answer=cleaned["answer"])
    return comment_out(_comments().get(pk=comment.pk))


@router.post(
    "/evaluations/{evaluation_id}/comments/{comment_id}/resolve",
    response={200: CommentOut, **REFUSED},
    summary="Resolve a review comment (its author, or a reviewer who did not submit)",
)
def resolve_comment(request, evaluation_id: int, comment_id: int):
    comment = _comment(request.auth, evaluation_id, comment_id)
    review_service.resolve_comment(comment=comment, user=request.auth)
    return comment_out(_comments().get(pk=comment.pk))
