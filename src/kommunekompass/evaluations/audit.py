"""Writing the history. Every change to an evaluation, and to a municipality's people, passes
here (called by the services in evaluations.services, inside their transaction).

Every change to an evaluation also moves its `revision` on, so pages cached for the old
revision are never shown again.
"""

from django.db.models import F

from kommunekompass.evaluations.models import AuditEntry, Evaluation


def touch(evaluation) -> None:
    """Mark the evaluation as changed (for changes that the history does not keep)."""
    Evaluation.objects.filter(pk=evaluation.pk).update(revision=F("revision") + 1)


def record(
    evaluation, user, action, subject="", old=None, new=None, note="", *, municipality=None
) -> AuditEntry:
    """One history entry. For an evaluation's change give `evaluation`; for a change to the
    municipality's people (no evaluation) give `evaluation=None` and `municipality`."""
    if evaluation is not None:
        touch(evaluation)
        municipality_id = evaluation.municipality_id
    else:
        municipality_id = municipality.pk
    return AuditEntry.objects.create(
        municipality_id=municipality_id,
        evaluation=evaluation,
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        subject=str(subject)[:200],
        old=old,
        new=new,
        note=note,
    )
