"""The way forward as the council voted it in a meeting (the meetings app closes the meeting and
calls this). Unlike the hand-kept priorities (settings.add_priority and the rest), it is allowed
on a published evaluation: the council decides its way forward after the report is published.
The published version stays as it was; the next version carries the new way forward."""

from django.db import transaction

from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import AuditEntry, Priority
from kommunekompass.evaluations.services.base import EvaluationReadOnly, ServiceError, lock
from kommunekompass.evaluations.services.settings import _priorities


def replace_way_forward(*, evaluation, user, priorities: list[str], note: str = "") -> list:
    """Replace the way forward by `priorities` (texts, in order), with one history entry.
    Refused for a withdrawn evaluation. Returns the new Priority rows, in order."""
    texts = [str(text).strip() for text in priorities]
    if any(not text for text in texts):
        raise ServiceError("A priority without text.", field="text")
    with transaction.atomic():
        current = lock(evaluation)
        if current.is_withdrawn:
            raise EvaluationReadOnly(current)
        old = _priorities(current)
        Priority.objects.filter(evaluation=current).delete()
        rows = Priority.objects.bulk_create(
            Priority(evaluation=current, text=text, position=position)
            for position, text in enumerate(texts, start=1)
        )
        record(
            current,
            user,
            AuditEntry.Action.WAY_FORWARD,
            "meeting",
            {"priorities": old},
            {"priorities": texts},
            note=note,
        )
    return rows
