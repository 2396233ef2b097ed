"""The life of an evaluation: draft -> in review -> published; reopening is explicit and logged."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import AuditEntry, Evaluation

Status = Evaluation.Status

# action: (allowed from, to)
TRANSITIONS = {
    "submit": ({Status.DRAFT}, Status.IN_REVIEW),
    "return": ({Status.IN_REVIEW}, Status.DRAFT),
    "publish": ({Status.IN_REVIEW}, Status.PUBLISHED),
    "reopen": ({Status.PUBLISHED}, Status.DRAFT),
}


class TransitionError(ValueError):
    pass


def change_status(evaluation: Evaluation, action: str, user, note: str = "") -> Evaluation:
    """Move the evaluation on. Reopening a published evaluation needs a reason (`note`)."""
    if action not in TRANSITIONS:
        raise TransitionError(_("Unknown action."))
    allowed_from, target = TRANSITIONS[action]
    note = note.strip()
    if action == "reopen" and not note:
        raise TransitionError(_("Write why the published evaluation is reopened."))
    with transaction.atomic():
        current = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if current.status not in allowed_from:
            raise TransitionError(
                _("The evaluation is “%(status)s” and cannot be moved that way.")
                % {"status": current.get_status_display()}
            )
        old_status = current.status
        current.status = target
        current.published_at = timezone.now() if target == Status.PUBLISHED else None
        current.save(update_fields=["status", "published_at"])
        record(
            current,
            user,
            AuditEntry.Action.STATUS,
            action,
            {"status": old_status},
            {"status": target},
            note,
        )
    evaluation.status = current.status
    evaluation.published_at = current.published_at
    return evaluation
