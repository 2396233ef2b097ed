"""Writing the history. Every change to an evaluation, and to a municipality's people, passes
here (called by the services in evaluations.services, inside their transaction).

Every change to an evaluation also moves its `revision` on, so pages cached for the old
revision are never shown again.
"""

from collections import Counter, defaultdict

from django.db.models import F

from kommunekompass.evaluations.models import AuditEntry, Evaluation


def touch(evaluation) -> None:
    """Mark the evaluation as changed (for changes that the history does not keep)."""
    Evaluation.objects.filter(pk=evaluation.pk).update(revision=F("revision") + 1)


def entry(
    evaluation, user, action, subject="", old=None, new=None, note="", *, municipality=None
) -> AuditEntry:
    """One history entry, not yet saved (see `record` and `record_many`)."""
    municipality_id = evaluation.municipality_id if evaluation is not None else municipality.pk
    return AuditEntry(
        municipality_id=municipality_id,
        evaluation=evaluation,
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        subject=str(subject)[:200],
        old=old,
        new=new,
        note=note,
    )


def record(
    evaluation, user, action, subject="", old=None, new=None, note="", *, municipality=None
) -> AuditEntry:
    """One history entry. For an evaluation's change give `evaluation`; for a change to the
    municipality's people (no evaluation) give `evaluation=None` and `municipality`."""
    if evaluation is not None:
        touch(evaluation)
    item = entry(evaluation, user, action, subject, old, new, note, municipality=municipality)
    item.save()
    return item


def record_many(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Many history entries at once (made with `entry`, e.g. one per evaluation of an import),
    as if each were recorded with `record`: each evaluation's revision moves on by the number
    of its entries. A few queries, however many entries."""
    counts = Counter(item.evaluation_id for item in entries if item.evaluation_id is not None)
    by_count: dict[int, list[int]] = defaultdict(list)
    for evaluation_id, count in counts.items():
        by_count[count].append(evaluation_id)
    for count, ids in by_count.items():
        Evaluation.objects.filter(pk__in=ids).update(revision=F("revision") + count)
    return AuditEntry.objects.bulk_create(entries, batch_size=1000)
