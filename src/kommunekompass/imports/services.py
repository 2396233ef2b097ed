"""Changes to what an import wrote. Withdrawing an import's results goes through the
evaluations' workflow, so each evaluation's history says who withdrew it and why."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from kommunekompass.evaluations.models import Evaluation
from kommunekompass.evaluations.services.workflow import TransitionError, change_status
from kommunekompass.imports.models import ImportBatch


def may_withdraw(batch: ImportBatch, user) -> bool:
    """The importer of the batch, or a site administrator."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or (
        batch.imported_by_id is not None and batch.imported_by_id == user.pk
    )


def withdraw_batch(batch: ImportBatch, user, note: str) -> list[Evaluation]:
    """Withdraw every evaluation the import created that is not withdrawn yet, all or none, each
    with `note` as the reason in its history. Withdrawn evaluations leave comparisons and their
    report is no longer public. Only the importer or a site administrator may (PermissionDenied);
    the reason is required (TransitionError). Returns the evaluations withdrawn now."""
    if not may_withdraw(batch, user):
        raise PermissionDenied(_("Only the importer or a site administrator may withdraw them."))
    note = (note or "").strip()
    if not note:
        raise TransitionError(_("Write why the imported results are withdrawn."))
    withdrawn = []
    with transaction.atomic():
        evaluations = (
            Evaluation.objects.select_for_update()
            .filter(import_batches=batch)
            .exclude(status=Evaluation.Status.WITHDRAWN)
            .order_by("pk")
        )
        for evaluation in evaluations:
            withdrawn.append(change_status(evaluation, "withdraw", user, note))
    return withdrawn
