"""The life of an evaluation: draft -> in review -> published; reopening is explicit and logged;
any of them may be withdrawn (with a reason) instead of deleted.

Four eyes: publishing is the approval. It is done by someone on the team or a named reviewer
who is not the person who sent the evaluation to review, and only when every review comment is
answered or resolved. The published version records the approver as `published_by` and
`approved_by_name`, and the submitter as `submitted_by_name`. With the setting
KOMMUNEKOMPASS_FOUR_EYES off, the submitter may publish alone: the version then says
`published_alone` and has no `approved_by_name`.

Publishing stores a new PublishedVersion: a frozen snapshot of everything the report shows
(see evaluations.snapshots). Reopening keeps the last version public; publishing again makes
the next version, with the reason and a list of what changed. Return to draft and reopening
keep every review comment.
"""

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kommunekompass.evaluations import snapshots
from kommunekompass.evaluations.audit import entry, record, record_many
from kommunekompass.evaluations.models import AuditEntry, Evaluation, PublishedVersion
from kommunekompass.evaluations.scores import evaluation_result
from kommunekompass.evaluations.services.base import actor, lock, person
from kommunekompass.evaluations.services.review import open_comment_count, reviewer_ids
from kommunekompass.lib.memory import no_cycle_collection
from kommunekompass.scoring.engine import ENGINE_VERSION

log = logging.getLogger(__name__)

Status = Evaluation.Status

# action: (allowed from, to)
TRANSITIONS = {
    "submit": ({Status.DRAFT}, Status.IN_REVIEW),
    "return": ({Status.IN_REVIEW}, Status.DRAFT),
    "publish": ({Status.IN_REVIEW}, Status.PUBLISHED),
    "reopen": ({Status.PUBLISHED}, Status.DRAFT),
    "withdraw": ({Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED}, Status.WITHDRAWN),
}
# Who may ask for each action (checked by the views with access.get_evaluation).
NEEDS = {
    "submit": "manage",
    "return": "review",
    "publish": "review",
    "reopen": "manage",
    "withdraw": "manage",
}


def four_eyes() -> bool:
    """Does publishing need a second person (KOMMUNEKOMPASS_FOUR_EYES, on by default)?"""
    return bool(getattr(settings, "KOMMUNEKOMPASS_FOUR_EYES", True))


def may_approve(evaluation: Evaluation, user) -> bool:
    """May `user` approve (publish) the evaluation, as far as people go?"""
    if not getattr(user, "is_authenticated", False):
        return False
    if not (user.is_superuser or user.pk in reviewer_ids(evaluation)):
        return False
    return not four_eyes() or evaluation.submitted_by_id != user.pk


class TransitionError(ValueError):
    pass


def change_status(
    evaluation: Evaluation, action: str, user, note: str = "", *, confirm_missing: bool = False
) -> Evaluation:
    """Move the evaluation on. Reopening and withdrawing need a reason (`note`); publishing
    with unscored questions needs `confirm_missing`. Raises TransitionError with the reason."""
    if action not in TRANSITIONS:
        raise TransitionError(_("Unknown action."))
    allowed_from, target = TRANSITIONS[action]
    note = note.strip()
    if action == "reopen" and not note:
        raise TransitionError(_("Write why the published evaluation is reopened."))
    if action == "withdraw" and not note:
        raise TransitionError(_("Write why the evaluation is withdrawn."))
    with transaction.atomic():
        current = lock(evaluation)
        if current.status not in allowed_from:
            raise TransitionError(
                _("The evaluation is “%(status)s” and cannot be moved that way.")
                % {"status": current.get_status_display()}
            )
        if action == "publish":
            _check_publishing(current, user, confirm_missing)
        old_status = current.status
        current.status = target
        if target == Status.PUBLISHED:
            current.published_at = timezone.now()
        elif target != Status.WITHDRAWN:
            current.published_at = None
        fields = ["status", "published_at"]
        if action == "submit":
            current.submitted_by = actor(user)
            fields.append("submitted_by")
        version = None
        if target == Status.PUBLISHED:
            version = _new_version(current, user, note, submitter=current.submitted_by)
            fields.append("published_version")
        current.save(update_fields=fields)
        entry_action = (
            AuditEntry.Action.WITHDRAWN if action == "withdraw" else AuditEntry.Action.STATUS
        )
        record(
            current, user, entry_action, action, {"status": old_status}, {"status": target}, note
        )
        if version is not None and not version.published_alone:
            record(
                current,
                user,
                AuditEntry.Action.APPROVED,
                f"v{version.number}",
                None,
                {
                    "version": version.number,
                    "submitted_by": version.submitted_by_name,
                    "approved_by": version.approved_by_name,
                },
            )
        if version is not None and not snapshots.store_later(version):
            transaction.on_commit(lambda: store_files(version))
    evaluation.status = current.status
    evaluation.published_at = current.published_at
    evaluation.published_version = current.published_version
    evaluation.submitted_by_id = current.submitted_by_id
    return evaluation


def _check_publishing(current: Evaluation, user, confirm_missing: bool) -> None:
    """The four-eyes rule, the open review comments and the unscored questions."""
    if not may_approve(current, user):
        if four_eyes() and current.submitted_by_id == getattr(user, "pk", None):
            raise TransitionError(
                _(
                    "You sent the evaluation to review, so someone else on the team or a named "
                    "reviewer must approve and publish it."
                )
            )
        raise TransitionError(_("Only the evaluation's team and reviewers may publish it."))
    open_count = open_comment_count(current)
    if open_count:
        raise TransitionError(
            ngettext(
                "%(count)s review comment is open: it must be answered or resolved before "
                "publishing.",
                "%(count)s review comments are open: they must be answered or resolved before "
                "publishing.",
                open_count,
            )
            % {"count": open_count}
        )
    missing = evaluation_result(current).missing
    if missing and not confirm_missing:
        raise TransitionError(
            _(
                "%(count)s questions are not scored. Tick the box to publish with them "
                "named as missing."
            )
            % {"count": len(missing)}
        )


def _version_reason(current: Evaluation, previous: PublishedVersion | None, note: str) -> str:
    """Why there is a new version: the note given when publishing it, else the reason given
    when the evaluation was last reopened. The first version needs no reason."""
    if previous is None:
        return ""
    if note:
        return note
    reopened = (
        current.audit.filter(subject="reopen", at__gte=previous.published_at)
        .order_by("-at", "-id")
        .values_list("note", flat=True)
        .first()
    )
    return reopened or ""


def _new_version(current: Evaluation, user, note: str, *, alone: bool = False, submitter=None):
    """Freeze the evaluation as its next published version. The caller holds the row lock, so
    no score can change between the snapshot and the status change."""
    data = snapshots.build(current)
    previous = current.versions.order_by("-number").first()
    version = _version(current, user, note, data, previous, alone=alone, submitter=submitter)
    version.save()
    current.published_version = version.number
    return version


def _version(
    current: Evaluation, user, note: str, data: dict, previous, *, alone: bool, submitter=None
) -> PublishedVersion:
    """The evaluation's next published version with the snapshot `data`, not yet saved.

    Published by someone other than the submitter: an approval (approved_by_name is the
    publisher). By the submitter (four eyes off), or without a known submitter from an import:
    published alone."""
    approver = actor(user)
    if approver is not None and submitter is not None and submitter.pk == approver.pk:
        alone = True
    return PublishedVersion(
        evaluation=current,
        number=current.published_version + 1,
        published_at=current.published_at,
        published_by=approver,
        published_by_name=person(user),
        approved_by_name="" if alone else person(user),
        submitted_by_name=person(submitter),
        published_alone=alone,
        reason=_version_reason(current, previous, note),
        changes=snapshots.changes(previous.data if previous else None, data),
        framework=current.framework,
        spec_checksum=current.framework.checksum,
        engine_version=ENGINE_VERSION,
        complete=bool(data.get("complete", True)),
        data=data,
        language=current.report_language or "nb",
    )


def _new_versions(evaluations: list[Evaluation], user, note: str, *, alone: bool, progress=None):
    """`_new_version` of many locked evaluations at once: the snapshots made together
    (snapshots.build_many, in the database state the caller has written), the versions
    inserted in one query. Returns {evaluation id: version}."""
    with no_cycle_collection():
        built = snapshots.build_many(evaluations, progress)
        previous = {}
        republished = [e.pk for e in evaluations if e.published_version]
        if republished:
            for version in PublishedVersion.objects.filter(evaluation__in=republished).order_by(
                "evaluation", "number"
            ):
                previous[version.evaluation_id] = version  # the last one wins: the latest
        versions = PublishedVersion.objects.bulk_create(
            _version(e, user, note, built[e.pk], previous.get(e.pk), alone=alone)
            for e in evaluations
        )
    for evaluation, version in zip(evaluations, versions, strict=True):
        evaluation.published_version = version.number
    return {version.evaluation_id: version for version in versions}


def store_files(version: PublishedVersion, *, quiet: bool = True) -> None:
    """Render the version's PDF and workbook once and keep them. A failure is logged (and
    raised unless `quiet`: the job that calls it is tried again); the files can be rendered
    again from the snapshot (they depend on nothing else)."""
    try:
        files = snapshots.render(version)
    except Exception:  # noqa: BLE001 - never lose the publication over a rendering problem
        log.exception("Could not render the files of %s", version)
        if not quiet:
            raise
        return
    for field, (filename, content) in files.items():
        getattr(version, field).save(filename, ContentFile(content), save=False)
    if files:
        version.save(update_fields=list(files))


def publish_imported(evaluation: Evaluation, user, note: str = "") -> PublishedVersion:
    """Publish an evaluation that an import created (results of an earlier round, already
    public elsewhere): no review, but a version like any other. Call it inside the import's
    transaction; the files are rendered later, from the snapshot, by a job of the queue."""
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
    snapshots.store_later(version)  # the files: a job after the import's commit
    return version


def publish_imported_many(
    evaluations: list[Evaluation], user, note: str = "", *, progress=None
) -> list[PublishedVersion]:
    """`publish_imported` of many evaluations at once (an import's): locked together, their
    snapshots made together, versions and history entries written in bulk. Call it inside the
    import's transaction; `progress(done, total)` is called as the snapshots are made.

    The whole batch is published at one moment: every evaluation is marked published (with the
    same `published_at`) before any snapshot is made, so each snapshot sees the others as
    published, whatever their order (an earlier round of the same municipality in its history,
    the other municipalities' imported results in its comparison group). Each snapshot equals
    what `snapshots.build` gives for its evaluation once the batch is published."""
    if not evaluations:
        return []
    with transaction.atomic():
        locked = _lock_many(evaluations)
        now = timezone.now()
        old_status = {}
        for current in locked:
            old_status[current.pk] = current.status
            current.status = Status.PUBLISHED
            current.published_at = now
        rows = Evaluation.objects.filter(pk__in=[current.pk for current in locked])
        rows.update(status=Status.PUBLISHED, published_at=now)
        versions = _new_versions(locked, user, note, alone=True, progress=progress)
        rows.update(published_version=F("published_version") + 1)  # each its next number
        _saved(locked, ["status", "published_at", "published_version"])
        record_many(
            [
                entry(
                    current,
                    user,
                    AuditEntry.Action.STATUS,
                    "import",
                    {"status": old_status[current.pk]},
                    {"status": Status.PUBLISHED},
                    note,
                )
                for current in locked
            ]
        )
    by_pk = {current.pk: current for current in locked}
    for evaluation in evaluations:
        current = by_pk[evaluation.pk]
        evaluation.status = current.status
        evaluation.published_at = current.published_at
        evaluation.published_version = current.published_version
    published = [versions[evaluation.pk] for evaluation in evaluations]
    for version in published:  # their files: one job each, after the import's commit
        snapshots.store_later(version)
    return published


def _lock_many(evaluations: list[Evaluation]) -> list[Evaluation]:
    """The evaluations' rows, locked in one query (in id order, as every batch locks them),
    with their municipality and framework; in the order given."""
    rows = (
        Evaluation.objects.select_for_update(of=("self",))
        .filter(pk__in=[e.pk for e in evaluations])
        .with_framework()
        .order_by("pk")
    )
    by_pk = {row.pk: row for row in rows}
    return [by_pk[e.pk] for e in evaluations]


def _saved(evaluations: list[Evaluation], fields: list[str]) -> None:
    """What saving each evaluation would have signalled (a bulk update sends nothing), so
    whoever remembers something about an evaluation (the reports' state) forgets it."""
    for evaluation in evaluations:
        post_save.send(
            sender=Evaluation,
            instance=evaluation,
            created=False,
            update_fields=frozenset(fields),
            raw=False,
            using=evaluation._state.db,
        )


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


def freeze_published_many(evaluations: list[Evaluation], user=None) -> list[PublishedVersion]:
    """`freeze_published` of many evaluations at once (the demo's synthetic set): their
    snapshots made together, their versions written in one query. Those that are not published
    or have a version already are left alone. Returns the versions made."""
    with transaction.atomic():
        locked = [
            current
            for current in _lock_many(evaluations)
            if current.status == Status.PUBLISHED and not current.published_version
        ]
        if not locked:
            return []
        now = timezone.now()
        for current in locked:
            if current.published_at is None:
                current.published_at = now
        Evaluation.objects.bulk_update(locked, ["published_at"], batch_size=500)
        versions = _new_versions(locked, user, "", alone=False)
        rows = Evaluation.objects.filter(pk__in=[current.pk for current in locked])
        rows.update(published_version=1)  # none had a version
        _saved(locked, ["published_at", "published_version"])
    by_pk = {current.pk: current for current in locked}
    for evaluation in evaluations:
        if evaluation.pk in by_pk:
            evaluation.published_version = by_pk[evaluation.pk].published_version
    return [versions[current.pk] for current in locked]
