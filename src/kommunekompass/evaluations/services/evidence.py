"""Adding, changing and deleting evidence (uploaded files and links), each with its history.

A deleted file leaves the storage only after the transaction has committed, so a rolled-back
deletion never loses the file."""

from django.db import transaction
from django.utils.translation import gettext as _

from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import AuditEntry, Evidence
from kommunekompass.evaluations.services.base import ServiceError, actor, lock_for_change


def _snapshot(evidence: Evidence, question_codes=None) -> dict:
    if question_codes is None:
        question_codes = sorted(q.code for q in evidence.questions.all())
    return {
        "title": evidence.title,
        "file": evidence.original_name,
        "url": evidence.url,
        "questions": question_codes,
    }


def add_evidence(
    *, evaluation, user, title, questions=(), upload=None, content_type="", url=""
) -> Evidence:
    """Either an uploaded file (checked by the form: its type is `content_type`) or a link."""
    title = (title or "").strip()
    if not title:
        raise ServiceError(_("Give the evidence a title."), field="title")
    if bool(upload) == bool(url):
        raise ServiceError(_("Give either a file or a link, not both and not none."))
    with transaction.atomic():
        current = lock_for_change(evaluation)
        evidence = Evidence(evaluation=current, title=title, url=url or "", added_by=actor(user))
        if upload:
            evidence.original_name = upload.name[:255]
            evidence.size = upload.size
            evidence.content_type = content_type
            evidence.file = upload
        evidence.save()
        evidence.questions.set(questions)
        new = _snapshot(evidence, sorted(q.code for q in questions))
        record(current, user, AuditEntry.Action.EVIDENCE_ADDED, f"#{evidence.pk}", None, new)
    return evidence


def change_evidence(
    *, evidence, user, title, questions=(), url=None, expected_version=None
) -> bool:
    """Change the title, the questions and (for a link) the address, if nobody else changed
    the evidence since `expected_version` (None: not checked). False on such a conflict."""
    title = (title or "").strip()
    if not title:
        raise ServiceError(_("Give the evidence a title."), field="title")
    with transaction.atomic():
        current = lock_for_change(evidence.evaluation)
        stored = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if expected_version is not None and stored.version != expected_version:
            return False
        old = _snapshot(stored)
        stored.title = title
        if url is not None and not stored.file:
            if not url:
                raise ServiceError(_("Give the link."), field="url")
            stored.url = url
        stored.questions.set(questions)
        new = _snapshot(stored, sorted(q.code for q in questions))
        if new != old:
            stored.version += 1
            stored.save(update_fields=["title", "url", "version"])
            record(current, user, AuditEntry.Action.EVIDENCE_CHANGED, f"#{stored.pk}", old, new)
    evidence.title, evidence.url, evidence.version = stored.title, stored.url, stored.version
    return True


def delete_evidence(*, evidence, user) -> None:
    with transaction.atomic():
        current = lock_for_change(evidence.evaluation)
        evidence = Evidence.objects.get(pk=evidence.pk)  # as stored, not as a form left it
        old = _snapshot(evidence)
        subject = f"#{evidence.pk}"
        stored_file = evidence.file
        name = stored_file.name if stored_file else ""
        storage = stored_file.storage if stored_file else None
        evidence.delete()
        record(current, user, AuditEntry.Action.EVIDENCE_DELETED, subject, old, None)
        if name:
            transaction.on_commit(lambda: storage.delete(name))
