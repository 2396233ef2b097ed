"""Writing the audit history. Every change to scores, reasons, findings and status passes here."""

from kommunekompass.evaluations.models import AuditEntry


def record(evaluation, user, action, subject="", old=None, new=None, note="") -> AuditEntry:
    return AuditEntry.objects.create(
        evaluation=evaluation,
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        subject=subject,
        old=old,
        new=new,
        note=note,
    )
