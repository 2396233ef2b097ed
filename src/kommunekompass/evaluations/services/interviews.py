"""Adding, changing (with a version check) and deleting interviews, each with its history."""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import AuditEntry, Interview
from kommunekompass.evaluations.services.base import ServiceError, lock_for_change


def _snapshot(interview: Interview, question_codes=None) -> dict:
    if question_codes is None:
        question_codes = sorted(q.code for q in interview.questions.all())
    return {
        "role": interview.role,
        "date": interview.date.isoformat() if interview.date else None,
        "held": interview.held,
        "participants": interview.participants,
        "notes": interview.notes,
        "questions": question_codes,
    }


def _check(role, date, held) -> None:
    if role not in Interview.Role.values:
        raise ServiceError(_("Choose one of the interviewed groups."), field="role")
    if held and not date:
        raise ServiceError(_("Give the date the interview was held."), field="date")


def add_interview(
    *, evaluation, user, role, date=None, held=False, participants="", notes="", questions=()
) -> Interview:
    _check(role, date, held)
    with transaction.atomic():
        current = lock_for_change(evaluation)
        interview = Interview.objects.create(
            evaluation=current,
            role=role,
            date=date,
            held=held,
            participants=participants.strip(),
            notes=notes.strip(),
        )
        interview.questions.set(questions)
        new = _snapshot(interview, sorted(q.code for q in questions))
        record(current, user, AuditEntry.Action.INTERVIEW_ADDED, f"#{interview.pk}", None, new)
    return interview


def change_interview(
    *,
    interview,
    user,
    expected_version,
    role,
    date=None,
    held=False,
    participants="",
    notes="",
    questions=(),
) -> bool:
    """Change an interview if nobody else did since `expected_version`. False on a conflict."""
    _check(role, date, held)
    with transaction.atomic():
        current = lock_for_change(interview.evaluation)
        stored = Interview.objects.get(pk=interview.pk)
        old = _snapshot(stored)
        updated = Interview.objects.filter(pk=interview.pk, version=expected_version).update(
            role=role,
            date=date,
            held=held,
            participants=participants.strip(),
            notes=notes.strip(),
            version=F("version") + 1,
        )
        if not updated:
            return False
        stored.refresh_from_db()
        stored.questions.set(questions)
        new = _snapshot(stored, sorted(q.code for q in questions))
        if new != old:
            record(current, user, AuditEntry.Action.INTERVIEW_CHANGED, f"#{stored.pk}", old, new)
    return True


def delete_interview(*, interview, user) -> None:
    with transaction.atomic():
        current = lock_for_change(interview.evaluation)
        interview = Interview.objects.get(pk=interview.pk)  # as stored, not as a form left it
        old = _snapshot(interview)
        subject = f"#{interview.pk}"
        interview.delete()
        record(current, user, AuditEntry.Action.INTERVIEW_DELETED, subject, old, None)
