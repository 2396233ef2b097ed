"""Importing an uploaded bundle as a job: the upload page keeps the file in the shared file
storage (imports.pending, removed after a day) and enqueues `import_uploaded_bundle`; the
upload's page follows it. The job checks and imports under the upload's row lock and only
from "waiting", so a retry or a second run never imports twice (and the evaluations' unique
constraint stands behind that)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation

from kommunekompass.bundles.format import BundleError
from kommunekompass.bundles.importing import check_bundle, import_bundle
from kommunekompass.bundles.models import BundleImport
from kommunekompass.imports import pending
from kommunekompass.lib import jobs

State = BundleImport.State


def start(user, upload, municipality, language: str) -> BundleImport:
    """Keep the uploaded bundle and enqueue its import."""
    pending.clean_pending()
    stored_name, sha256 = pending.keep_file(upload)
    with transaction.atomic():
        run = BundleImport.objects.create(
            created_by=user,
            file_name=upload.name[:300],
            stored_name=stored_name,
            sha256=sha256,
            municipality=municipality,
            language=language or "",
        )
        if jobs.stores_in_database(import_uploaded_bundle):
            import_uploaded_bundle.enqueue(run.pk)
    if not jobs.stores_in_database(import_uploaded_bundle):
        import_uploaded_bundle.enqueue(run.pk)
    run.refresh_from_db()
    return run


def _record_failure(error, run_id: int, **kwargs) -> None:
    with transaction.atomic():
        run = BundleImport.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.finished:
            return
        run.state, run.error = State.FAILED, f"{type(error).__name__}: {error}"[:2000]
        run.save(update_fields=["state", "error", "updated_at"])


def _reason(error: BundleError) -> str:
    problem = str(error)
    if error.member and error.member not in problem:
        problem = f"{problem} ({error.member})"
    return problem


@jobs.job(gave_up=_record_failure, priority=jobs.SOMEONE_WAITS)
def import_uploaded_bundle(run_id: int) -> str:
    """Check and import the upload's bundle, all or nothing; does nothing for an upload that
    is not waiting."""
    with transaction.atomic():
        run = BundleImport.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.state != State.WAITING:
            return "not waiting"
        with translation.override(run.language or settings.LANGUAGE_CODE):
            stored = pending.open_checked(run.stored_name, run.sha256)
            try:
                if stored is None:
                    raise BundleError(
                        translation.gettext("That upload is gone; please upload the file again.")
                    )
                with stored:
                    plan = check_bundle(stored, municipality=run.municipality)
                summary = import_bundle(plan, run.created_by)
            except BundleError as error:
                run.state, run.error = State.REFUSED, _reason(error)
            else:
                run.state, run.evaluation = State.IMPORTED, summary.evaluation
                run.created_users, run.notes = summary.created_users, summary.notes
        run.save()
    pending.forget(run.stored_name)
    return run.state
