"""The reports app's jobs: rendering and storing a published version's files.

Publishing enqueues `store_version_files` (registered as the snapshot storer in
ReportsConfig.ready); the worker renders the PDF, the workbook and the Word document from the
version's snapshot and stores them. Until they are stored the report lists the version's files
as being prepared, and an anonymous request for one gets the 503 "being prepared" page."""

from kommunekompass.evaluations.models import PublishedVersion
from kommunekompass.lib import jobs
from kommunekompass.reports import published


@jobs.job
def store_version_files(version_id: int) -> str:
    """Render and store the version's PDF, workbook and Word document, those that are missing.
    Idempotent: each is made under the version's row lock and only if it is not stored, so a
    retry or a second run finds them made and changes nothing."""
    version = PublishedVersion.objects.filter(pk=version_id).first()
    if version is None:
        return "gone"
    made = published.store_missing(version, quiet=False)
    made = published.store_docx(version) or made
    return "stored" if made else "already stored"


def store_later(version: PublishedVersion) -> None:
    """The snapshot storer: enqueue the job for after the publishing transaction."""
    jobs.enqueue_after_commit(store_version_files, version.pk)


def files_state(version: PublishedVersion) -> str:
    """The state of the version's files, as the report's page shows it: "stored";
    "preparing" (their job waits or runs); "failed" (the queue gave up on it); "missing" (no
    job: an imported version before `render-published`, or jobs that run immediately)."""
    if published.is_stored(version) and published.is_docx_stored(version):
        return "stored"
    if jobs.pending(store_version_files, version.pk):
        return "preparing"
    if jobs.last_failure(store_version_files, version.pk):
        return "failed"
    return "missing"
