"""Four eyes: review comments on questions and findings while an evaluation is in review.

Anyone on the team or a named reviewer comments (only while in review); the team answers
(in review or back in draft); the commenter, or any reviewer other than the one who sent the
evaluation to review, resolves. Every step is in the history. Comments are never deleted.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import AuditEntry, Evaluation, ReviewComment
from kommunekompass.evaluations.services.base import ServiceError, actor, lock

Status = Evaluation.Status


def team_ids(evaluation) -> set[int]:
    return set(evaluation.evaluators.values_list("pk", flat=True))


def reviewer_ids(evaluation) -> set[int]:
    """Everyone who may review: the team and the named reviewers."""
    return team_ids(evaluation) | set(evaluation.reviewers.values_list("pk", flat=True))


def open_comment_count(evaluation) -> int:
    """Comments neither answered nor resolved: they hold publishing back."""
    return ReviewComment.objects.filter(
        evaluation=evaluation, resolved_at__isnull=True, answer=""
    ).count()


def _is_team(evaluation, user) -> bool:
    return user.is_superuser or user.pk in team_ids(evaluation)


def _is_reviewer(evaluation, user) -> bool:
    return user.is_superuser or user.pk in reviewer_ids(evaluation)


def may_resolve(comment: ReviewComment, evaluation, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if comment.author_id == user.pk:
        return True
    return _is_reviewer(evaluation, user) and evaluation.submitted_by_id != user.pk


def comment_subject(question=None, finding=None) -> str:
    """What a comment is about, as stored with it (readable when the finding is gone)."""
    if finding is not None:
        return f"{finding.focus_area.code}: {finding.text[:200]}"
    if question is not None:
        return question.code
    return ""


def add_comment(*, evaluation, user, text, question=None, finding=None) -> ReviewComment:
    """A comment on a question, a finding, or (neither) the evaluation as a whole."""
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Write the comment."), field="text")
    with transaction.atomic():
        current = lock(evaluation)
        if not _is_reviewer(current, user):
            raise PermissionDenied(_("Only the evaluation's team and reviewers may comment."))
        if current.status != Status.IN_REVIEW:
            raise ServiceError(_("Comments are written while the evaluation is in review."))
        if question is not None and question.framework_id != current.framework_id:
            raise ServiceError(_("No such question in this framework."), field="question")
        if finding is not None and finding.evaluation_id != current.pk:
            raise ServiceError(_("No such finding in this evaluation."), field="finding")
        comment = ReviewComment.objects.create(
            evaluation=current,
            question=question,
            finding=finding,
            subject=comment_subject(question, finding),
            author=actor(user),
            text=text,
        )
        record(
            current,
            user,
            AuditEntry.Action.COMMENT_ADDED,
            comment.subject,
            None,
            {"text": text},
        )
    return comment


def _comment_for_change(comment) -> tuple[Evaluation, ReviewComment]:
    current = lock(comment.evaluation)
    if current.status not in (Status.DRAFT, Status.IN_REVIEW):
        raise ServiceError(
            _("The evaluation is “%(status)s”: its review comments are closed.")
            % {"status": current.get_status_display()}
        )
    return current, ReviewComment.objects.get(pk=comment.pk)


def answer_comment(*, comment, user, answer) -> ReviewComment:
    """The team's answer (a second answer replaces the first; both are in the history)."""
    answer = (answer or "").strip()
    if not answer:
        raise ServiceError(_("Write the answer."), field="answer")
    with transaction.atomic():
        current, stored = _comment_for_change(comment)
        if not _is_team(current, user):
            raise PermissionDenied(_("Only the evaluation's team answers review comments."))
        if stored.is_resolved:
            raise ServiceError(_("The comment is resolved already."))
        old = {"answer": stored.answer} if stored.answer else None
        stored.answer = answer
        stored.answered_by = actor(user)
        stored.answered_at = timezone.now()
        stored.save(update_fields=["answer", "answered_by", "answered_at"])
        record(
            current,
            user,
            AuditEntry.Action.COMMENT_ANSWERED,
            stored.subject,
            old,
            {"answer": answer},
            note=stored.text,
        )
    return stored


def resolve_comment(*, comment, user) -> ReviewComment:
    with transaction.atomic():
        current, stored = _comment_for_change(comment)
        if not may_resolve(stored, current, user):
            raise PermissionDenied(
                _(
                    "Only the one who wrote the comment, or a reviewer who did not send the "
                    "evaluation to review, resolves it."
                )
            )
        if stored.is_resolved:
            return stored
        stored.resolved_by = actor(user)
        stored.resolved_at = timezone.now()
        stored.save(update_fields=["resolved_by", "resolved_at"])
        record(
            current,
            user,
            AuditEntry.Action.COMMENT_RESOLVED,
            stored.subject,
            {"resolved": False},
            {"resolved": True},
            note=stored.text,
        )
    return stored
