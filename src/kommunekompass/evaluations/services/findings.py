"""Adding, changing, deleting and ordering findings; every change goes to the history.

Each function locks the evaluation's row first and refuses a published or withdrawn
evaluation (EvaluationReadOnly)."""

from django.db import transaction
from django.db.models import F, Max

from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import AuditEntry, Finding
from kommunekompass.evaluations.services.base import actor, lock_for_change


def _snapshot(finding: Finding, question_codes=None) -> dict:
    if question_codes is None:
        question_codes = sorted(q.code for q in finding.questions.all())
    return {"kind": finding.kind, "text": finding.text, "questions": question_codes}


def _subject(finding: Finding) -> str:
    return f"{finding.focus_area.code} #{finding.pk}"


def add_finding(*, evaluation, focus_area, kind, text, questions, user) -> Finding:
    with transaction.atomic():
        evaluation = lock_for_change(evaluation)
        last = Finding.objects.filter(evaluation=evaluation, focus_area=focus_area, kind=kind)
        position = (last.aggregate(m=Max("position"))["m"] or 0) + 1
        finding = Finding.objects.create(
            evaluation=evaluation,
            focus_area=focus_area,
            kind=kind,
            text=text.strip(),
            position=position,
            updated_by=actor(user),
        )
        finding.questions.set(questions)
        codes = sorted(q.code for q in questions)
        record(
            evaluation,
            user,
            AuditEntry.Action.FINDING_ADDED,
            _subject(finding),
            None,
            _snapshot(finding, codes),
        )
    return finding


def change_finding(*, finding, kind, text, questions, expected_version, user) -> bool:
    """Change a finding if nobody else did since `expected_version`. False on a conflict."""
    with transaction.atomic():
        lock_for_change(finding.evaluation)
        # Read the stored finding: a bound form may already have changed `finding` in memory.
        old = _snapshot(Finding.objects.get(pk=finding.pk))
        updated = Finding.objects.filter(pk=finding.pk, version=expected_version).update(
            kind=kind, text=text.strip(), version=F("version") + 1, updated_by=actor(user)
        )
        if not updated:
            return False
        finding.refresh_from_db()
        finding.questions.set(questions)
        new = _snapshot(finding, sorted(q.code for q in questions))
        if old["kind"] != new["kind"]:
            last = Finding.objects.filter(
                evaluation=finding.evaluation, focus_area=finding.focus_area, kind=finding.kind
            ).exclude(pk=finding.pk)
            finding.position = (last.aggregate(m=Max("position"))["m"] or 0) + 1
            finding.save(update_fields=["position"])
        record(
            finding.evaluation, user, AuditEntry.Action.FINDING_CHANGED, _subject(finding), old, new
        )
    return True


def delete_finding(*, finding, user) -> None:
    with transaction.atomic():
        evaluation = lock_for_change(finding.evaluation)
        finding = Finding.objects.select_related("focus_area").get(pk=finding.pk)
        old = _snapshot(finding)
        subject = _subject(finding)
        finding.delete()
        record(evaluation, user, AuditEntry.Action.FINDING_DELETED, subject, old, None)


def move_finding(*, finding, direction: str, user) -> None:
    """Swap the finding with its neighbour above ("up") or below ("down") in its column."""
    with transaction.atomic():
        lock_for_change(finding.evaluation)
        column = list(
            Finding.objects.select_for_update()
            .filter(evaluation=finding.evaluation, focus_area=finding.focus_area, kind=finding.kind)
            .order_by("position", "id")
        )
        index = next(i for i, f in enumerate(column) if f.pk == finding.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(column):
            return
        column[index], column[other] = column[other], column[index]
        for position, item in enumerate(column, start=1):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position"])
        record(
            finding.evaluation,
            user,
            AuditEntry.Action.FINDING_MOVED,
            _subject(finding),
            {"position": index + 1},
            {"position": other + 1},
        )
