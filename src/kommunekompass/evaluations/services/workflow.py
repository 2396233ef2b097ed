"""The life of an evaluation: draft -> in review -> published; reopening is explicit and logged.

Publishing stores a new PublishedVersion: a frozen snapshot of everything the report shows
(see evaluations.snapshots). Reopening keeps the last version public; publishing again makes
the next version, with the reason and a list of what changed.
"""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunekompass.evaluations import snapshots
from kommunekompass.evaluations.audit import record
from kommunekompass.evaluations.models import AuditEntry, Evaluation, PublishedVersion
from kommunekompass.scoring.engine import ENGINE_VERSION

log = logging.getLogger(__name__)

Status = Evaluation.Status

# action: (allowed from, to)
TRANSITIONS = {
    "submit": ({Status.DRAFT}, Status.IN_REVIEW),
    "return": ({Status.IN_REVIEW}, Status.DRAFT),
    "publish": ({Status.IN_REVIEW}, Status.PUBLISHED),
    "reopen": ({Status.PUBLISHED}, Status.DRAFT),
}


class TransitionError(ValueError):
    pass


def change_status(evaluation: Evaluation, action: str, user, note: str = "") -> Evaluation:
    """Move the evaluation on. Reopening a published evaluation needs a reason (`note`)."""
    if action not in TRANSITIONS:
        raise TransitionError(_("Unknown action."))
    allowed_from, target = TRANSITIONS[action]
    note = note.strip()
    if action == "reopen" and not note:
        raise TransitionError(_("Write why the published evaluation is reopened."))
    with transaction.atomic():
        current = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if current.status not in allowed_from:
            raise TransitionError(
                _("The evaluation is “%(status)s” and cannot be moved that way.")
                % {"status": current.get_status_display()}
            )
        old_status = current.status
        current.status = target
        current.published_at = timezone.now() if target == Status.PUBLISHED else None
        fields = ["status", "published_at"]
        if action == "submit":
            current.submitted_by = user if getattr(user, "is_authenticated", False) else None
            fields.append("submitted_by")
        version = None
        if target == Status.PUBLISHED:
            version = _new_version(current, user, note)
            fields.append("published_version")
        current.save(update_fields=fields)
        record(
            current,
            user,
            AuditEntry.Action.STATUS,
            action,
            {"status": old_status},
            {"status": target},
            note,
        )
        if version is not None:
            transaction.on_commit(lambda: store_files(version))
    evaluation.status = current.status
    evaluation.published_at = current.published_at
    evaluation.published_version = current.published_version
    evaluation.submitted_by_id = current.submitted_by_id
    return evaluation


def _person(user) -> str:
    if not getattr(user, "is_authenticated", False):
        return ""
    return user.get_full_name() or user.get_username()


def _new_version(current: Evaluation, user, note: str, *, alone: bool = False):
    """Freeze the evaluation as its next published version. The caller holds the row lock, so
    no score can change between the snapshot and the status change."""
    data = snapshots.build(current)
    previous = current.versions.order_by("-number").first()
    number = current.published_version + 1
    version = PublishedVersion.objects.create(
        evaluation=current,
        number=number,
        published_at=current.published_at,
        published_by=user if getattr(user, "is_authenticated", False) else None,
        published_by_name=_person(user),
        published_alone=alone,
        reason=note if previous is not None else "",
        changes=snapshots.changes(previous.data if previous else None, data),
        framework=current.framework,
        spec_checksum=current.framework.checksum,
        engine_version=ENGINE_VERSION,
        complete=bool(data.get("complete", True)),
        data=data,
    )
    current.published_version = number
    return version


def store_files(version: PublishedVersion) -> None:
    """Render the version's PDF and workbook once and keep them. A failure is logged; the
    files can be rendered again from the snapshot (they depend on nothing else)."""
    try:
        files = snapshots.render(version)
    except Exception:  # noqa: BLE001 - never lose the publication over a rendering problem
        log.exception("Could not render the files of %s", version)
        return
    for field, (filename, content) in files.items():
        getattr(version, field).save(filename, ContentFile(content), save=False)
    if files:
        version.save(update_fields=list(files))


def publish_imported(evaluation: Evaluation, user, note: str = "") -> PublishedVersion:
    """Publish an evaluation that an import created (results of an earlier round, already
    public elsewhere): no review, but a version like any other. Call it inside the import's
    transaction; the files are rendered later, from the snapshot."""
    with transaction.atomic():
        current = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        old_status = current.status
        current.status = Status.PUBLISHED
        current.published_at = timezone.now()
        version = _new_version(current, user, note, alone=True)
        current.save(update_fields=["status", "published_at", "published_version"])
        record(
            current,
            user,
            AuditEntry.Action.STATUS,
            "import",
            {"status": old_status},
            {"status": Status.PUBLISHED},
            note,
        )
    evaluation.status = current.status
    evaluation.published_at = current.published_at
    evaluation.published_version = current.published_version
    return version


def freeze_published(evaluation: Evaluation, user=None) -> PublishedVersion | None:
    """Give an evaluation published before versions existed its version 1, from its data as it
    stands. Does nothing for one that has a version already."""
    with transaction.atomic():
        current = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if current.status != Status.PUBLISHED or current.published_version:
            return None
        if current.published_at is None:
            current.published_at = timezone.now()
        version = _new_version(current, user, "", alone=False)
        current.save(update_fields=["published_at", "published_version"])
    evaluation.published_version = current.published_version
    return version
