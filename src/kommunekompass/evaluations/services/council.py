"""The way forward as the council voted it in a meeting (the meetings app closes the meeting and
calls this). Unlike the hand-kept priorities (services.way_forward), it is allowed on a
published evaluation: the council decides its way forward after the report is published. The
published version stays as it was; the next version carries the new way forward."""

from django.db import transaction
from django.utils.translation import gettext as _

from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import AuditEntry, Priority
from kommunekompass.evaluations.services.base import EvaluationReadOnly, ServiceError, lock
from kommunekompass.evaluations.services.way_forward import _check_links, _state


def replace_way_forward(
    *, evaluation, user, priorities: list[str], links=None, note: str = ""
) -> list:
    """Replace the way forward by `priorities` (texts, in order), each linked, where `links`
    is given, to its (focus areas, findings) pair, with one history entry. Refused for a
    withdrawn evaluation. Returns the new Priority rows, in order."""
    texts = [str(text).strip() for text in priorities]
    links = list(links) if links is not None else [((), ())] * len(texts)
    if any(not text for text in texts):
        raise ServiceError(_("Write the priority."), field="text")
    if len(links) != len(texts):
        raise ServiceError(_("Every priority needs its links."), field="links")
    with transaction.atomic():
        current = lock(evaluation)
        if current.is_withdrawn:
            raise EvaluationReadOnly(current)
        for areas, findings in links:
            _check_links(current, list(areas), list(findings))
        old = _state(current)
        Priority.objects.filter(evaluation=current).delete()
        rows = Priority.objects.bulk_create(
            Priority(evaluation=current, text=text, position=position)
            for position, text in enumerate(texts, start=1)
        )
        for row, (areas, findings) in zip(rows, links, strict=True):
            row.focus_areas.set(areas)
            row.findings.set(findings)
        record(
            current, user, AuditEntry.Action.WAY_FORWARD, "meeting", old, _state(current), note=note
        )
    return rows
