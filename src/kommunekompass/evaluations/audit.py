"""Writing the audit history. Every change to scores, reasons, findings and status passes here.

Every change also moves the evaluation's `revision` on, so pages cached for the old revision
are never shown again.
"""

from django.db.models import F

from kommunekompass.evaluations.models import AuditEntry, Evaluation


def touch(evaluation) -> None:
    """Mark the evaluation as changed (for changes that the audit history does not keep)."""
    Evaluation.objects.filter(pk=evaluation.pk).update(revision=F("revision") + 1)


def record(evaluation, user, action, subject="", old=None, new=None, note="") -> AuditEntry:
    touch(evaluation)
    return AuditEntry.objects.create(
        evaluation=evaluation,
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        subject=subject,
        old=old,
        new=new,
        note=note,
    )
