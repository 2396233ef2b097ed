"""The way forward ("veien videre"): the council's priorities, in order, each linked to the
findings and focus areas it answers. Changed by the evaluation's team and the municipality's
coordinators (see access.EvaluationAccess.edit_way_forward) while the evaluation is a draft or
in review; a published evaluation is reopened first, and the next published version carries
the new way forward. Every change is in the history, as the whole list before and after.

The one exception is the council's own vote (replace_way_forward, called by the meetings app when
a meeting closes): it replaces the list even on a published evaluation, since the council
decides its way forward after the report is published; the published version stays as it was."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import AuditEntry, Priority
from kommunekompass.evaluations.services.base import (
    EvaluationReadOnly,
    ServiceError,
    lock,
    lock_for_change,
)


def link_text(areas: list[str], findings: list[str]) -> str:
    """ "3, 5; Challenge in 3: Little follow-up of …" : what one priority is linked to."""
    return "; ".join([", ".join(areas), *findings] if areas else findings)


def _state(evaluation) -> dict:
    """The way forward as the history keeps it: the texts in order and, when any priority is
    linked, what each is linked to (numbered like the list)."""
    rows = list(
        Priority.objects.filter(evaluation=evaluation)
        .prefetch_related("focus_areas", "findings__focus_area")
        .order_by("position", "id")
    )
    state = {"priorities": [row.text for row in rows]}
    links = []
    for number, row in enumerate(rows, start=1):
        areas = sorted(area.code for area in row.focus_areas.all())
        findings = [
            f"{finding.focus_area.code} {finding.get_kind_display()}: {finding.text[:80]}"
            for finding in row.findings.all()
        ]
        if areas or findings:
            links.append(f"{number}. {link_text(areas, findings)}")
    if links:
        state["links"] = links
    return state


def _record(current, user, old: dict, subject: str) -> None:
    new = _state(current)
    if new != old:
        record(current, user, AuditEntry.Action.WAY_FORWARD, subject, old, new)


def _text(text) -> str:
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Write the priority."), field="text")
    return text


def _check_links(evaluation, focus_areas, findings) -> None:
    if any(area.framework_id != evaluation.framework_id for area in focus_areas):
        raise ServiceError(
            _("Choose focus areas of the evaluation's framework."), field="focus_areas"
        )
    if any(finding.evaluation_id != evaluation.pk for finding in findings):
        raise ServiceError(_("Choose findings of this evaluation."), field="findings")


def add_priority(*, evaluation, user, text, focus_areas=(), findings=()) -> Priority:
    text = _text(text)
    focus_areas, findings = list(focus_areas), list(findings)
    with transaction.atomic():
        current = lock_for_change(evaluation)
        _check_links(current, focus_areas, findings)
        old = _state(current)
        last = Priority.objects.filter(evaluation=current).aggregate(m=Max("position"))["m"]
        priority = Priority.objects.create(evaluation=current, text=text, position=(last or 0) + 1)
        priority.focus_areas.set(focus_areas)
        priority.findings.set(findings)
        _record(current, user, old, "add")
    return priority


def change_priority(
    *, priority, user, text, focus_areas=None, findings=None, expected_version=None
) -> bool:
    """Change the text and (when given) the links of one priority, if nobody else changed it
    since `expected_version` (None: not checked). False on such a conflict."""
    text = _text(text)
    with transaction.atomic():
        current = lock_for_change(priority.evaluation)
        stored = Priority.objects.select_for_update().get(pk=priority.pk)
        if expected_version is not None and stored.version != expected_version:
            return False
        if focus_areas is not None or findings is not None:
            _check_links(current, list(focus_areas or ()), list(findings or ()))
        old = _state(current)
        stored.text = text
        stored.save(update_fields=["text"])
        if focus_areas is not None:
            stored.focus_areas.set(focus_areas)
        if findings is not None:
            stored.findings.set(findings)
        if _state(current) != old:
            stored.version += 1
            stored.save(update_fields=["version"])
            _record(current, user, old, "change")
    priority.text, priority.version = stored.text, stored.version
    return True


def delete_priority(*, priority, user) -> None:
    with transaction.atomic():
        current = lock_for_change(priority.evaluation)
        old = _state(current)
        priority.delete()
        _record(current, user, old, "delete")


def move_priority(*, priority, user, direction: str) -> None:
    """Swap with the neighbour above ("up") or below ("down")."""
    if direction not in ("up", "down"):
        raise ServiceError(_("Unknown direction."))
    with transaction.atomic():
        current = lock_for_change(priority.evaluation)
        old = _state(current)
        rows = list(Priority.objects.filter(evaluation=current).order_by("position", "id"))
        index = next(i for i, p in enumerate(rows) if p.pk == priority.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(rows):
            return
        rows[index], rows[other] = rows[other], rows[index]
        for position, row in enumerate(rows, start=1):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])
        _record(current, user, old, "move")


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
