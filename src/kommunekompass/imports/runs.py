"""An uploaded results file on its way through the job queue (ImportRun): the upload page
stores the file in the shared file storage and enqueues its check (a dry run); the run's page
shows the progress, then the plan; the confirmation enqueues the import; the page shows the
outcome. Any app server may take any of these requests, and any worker may run the jobs.

Both jobs are idempotent: each moves the run from one state to the next under the run's row
lock and does nothing when the run is not in the state it expects, so a retry or a second run
of a job (or a second confirmation) never imports twice; the run's batch is unique and the
evaluations' own unique constraint stands behind that. A job that fails on its last attempt
marks its run failed, with the error; "try again" starts the run over from the check.

The plan's messages are written in the uploader's language (the run keeps it): the check runs
in that language, and the page shows the plan as it was written."""

from __future__ import annotations

import time
from fractions import Fraction
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from kommunekompass.imports import pending
from kommunekompass.imports.applying import import_results
from kommunekompass.imports.models import ImportRun
from kommunekompass.imports.parsing import FileUnreadable
from kommunekompass.imports.planning import ImportPlan
from kommunekompass.lib import jobs

State = ImportRun.State
PROGRESS_SECONDS = 0.5


# --- What the page shows -----------------------------------------------------------------------


def plan_record(plan: ImportPlan) -> dict:
    """What the page needs of a plan, as JSON: its messages (in the active language) and the
    evaluations it would write."""
    return {
        "filename": plan.filename,
        "dialect": plan.dialect,
        "rows": plan.rows,
        "errors": [str(problem) for problem in plan.errors],
        "warnings": [str(problem) for problem in plan.warnings],
        "error_count": plan.error_count,
        "more_errors_text": plan.more_errors_text(),
        "evaluations": [
            {
                "municipality_name": item.municipality_name,
                "municipality_id": item.municipality_id,
                "year": item.year,
                "framework_key": item.framework_key,
                "framework_version": item.framework_version,
                "level": item.level,
                "total": str(item.total),
                "max_points": str(item.max_points),
                "missing": len(item.missing),
            }
            for item in plan.evaluations
        ],
    }


def _unreadable_record(filename: str, message: str) -> dict:
    return {
        "filename": filename,
        "dialect": "",
        "rows": 0,
        "errors": [message],
        "warnings": [],
        "error_count": 1,
        "more_errors_text": "",
        "evaluations": [],
        "unreadable": True,
    }


def shown_plan(run: ImportRun):
    """The run's plan for the template (None before the check)."""
    if not run.plan:
        return None
    record = dict(run.plan)
    record["evaluations"] = [
        SimpleNamespace(
            **{**item, "total": Fraction(item["total"]), "max_points": Fraction(item["max_points"])}
        )
        for item in record["evaluations"]
    ]
    return SimpleNamespace(**record)


# --- Who sees a run ----------------------------------------------------------------------------


def visible_run(user, pk: int, *, lock: bool = False) -> ImportRun:
    """The run, for the person who uploaded it or a site administrator; Http404 for others."""
    runs = ImportRun.objects.select_for_update() if lock else ImportRun.objects.all()
    if not user.is_superuser:
        runs = runs.filter(created_by=user)
    run = runs.filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


# --- The steps ---------------------------------------------------------------------------------


def _enqueue(task_object, run_id: int, *, in_transaction: bool) -> None:
    """On the database backend the job row is written in the transaction that moved the run
    (committed together or not at all); jobs that run at once run after it."""
    if jobs.stores_in_database(task_object) == in_transaction:
        task_object.enqueue(run_id)


def start(user, file_name: str, data: bytes, framework, language: str) -> ImportRun:
    """Keep the upload in the shared storage and enqueue its check."""
    pending.clean_pending()
    stored_name, sha256 = pending.keep(data)
    with transaction.atomic():
        run = ImportRun.objects.create(
            created_by=user,
            file_name=file_name[:300],
            stored_name=stored_name,
            sha256=sha256,
            framework=framework,
            language=language or "",
        )
        _enqueue(check_upload, run.pk, in_transaction=True)
    _enqueue(check_upload, run.pk, in_transaction=False)
    run.refresh_from_db()
    return run


class Refused(Exception):
    """The run cannot be confirmed (or tried again) as it is: the message says why."""


def confirm(user, pk: int, sha256: str) -> ImportRun:
    """Move a checked run to importing and enqueue the import, once: a second confirmation
    finds the run importing (or imported) under the row lock and changes nothing."""
    pending.clean_pending()
    if visible_run(user, pk).state in (State.IMPORTING, State.IMPORTED):
        # Confirmed already: the page shows how far it is. (Read without the lock, which the
        # import job holds while it writes.)
        return visible_run(user, pk)
    with transaction.atomic():
        run = visible_run(user, pk, lock=True)
        if run.state in (State.IMPORTING, State.IMPORTED):
            return run
        if run.state != State.CHECKED:
            raise Refused(_("This upload cannot be imported; please upload the file again."))
        if sha256 != run.sha256:
            raise Refused(_("The file changed since the preview; please upload it again."))
        run.state = State.IMPORTING
        run.done, run.total = 0, len(run.plan["evaluations"])
        run.save(update_fields=["state", "done", "total", "updated_at"])
        _enqueue(import_upload, run.pk, in_transaction=True)
    _enqueue(import_upload, run.pk, in_transaction=False)
    run.refresh_from_db()
    return run


def try_again(user, pk: int) -> ImportRun:
    """Start a failed run over from the check, if its file is still there. A stalled run (its
    worker stopped) has its job enqueued again: the check from the start; the import as it
    was confirmed, which the import job's state check under the row lock makes safe even if the
    first job still lives."""
    with transaction.atomic():
        run = visible_run(user, pk, lock=True)
        if run.state == State.IMPORTING and run.stalled:
            _enqueue(import_upload, run.pk, in_transaction=True)
            again = import_upload
        elif run.state == State.FAILED or (run.stalled and run.state != State.IMPORTING):
            if not pending.exists(run.stored_name):
                raise Refused(_("That upload is gone; please upload the file again."))
            run.state, run.error, run.plan = State.WAITING, "", None
            run.done = run.total = 0
            run.save(update_fields=["state", "error", "plan", "done", "total", "updated_at"])
            _enqueue(check_upload, run.pk, in_transaction=True)
            again = check_upload
        else:
            return run
    _enqueue(again, run.pk, in_transaction=False)
    run.refresh_from_db()
    return run


# --- The jobs ----------------------------------------------------------------------------------


class Progress:
    """A progress callback that writes (done, total) to the run's row at most every
    PROGRESS_SECONDS, not on every call."""

    def __init__(self, run_id: int):
        self.run_id, self.last = run_id, 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_SECONDS:
            return
        self.last = now
        ImportRun.objects.filter(pk=self.run_id).update(done=min(done, total), total=total)


def _record_failure(error, run_id: int, **kwargs) -> None:
    """The queue gave up on a job of the run: the run says so, in words."""
    words = f"{type(error).__name__}: {error}"[:2000]
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.finished:
            return
        run.state, run.error, run.batch = State.FAILED, words, None
        run.save(update_fields=["state", "error", "batch", "updated_at"])


def _fail(run: ImportRun, message: str) -> str:
    run.state, run.error = State.FAILED, message
    run.save(update_fields=["state", "error", "updated_at"])
    return "failed"


def _language(run: ImportRun) -> str:
    return run.language or settings.LANGUAGE_CODE


@jobs.job(gave_up=_record_failure, priority=jobs.SOMEONE_WAITS)
def check_upload(run_id: int) -> str:
    """Check the run's file (a dry run) and keep its plan on the run: checked, or refused with
    its errors. Does nothing for a run that is past its check."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.state not in (State.WAITING, State.CHECKING):
            return "not waiting"
        run.state = State.CHECKING
        run.save(update_fields=["state", "updated_at"])
    data = pending.read(run.stored_name)
    with translation.override(_language(run)):
        if data is None or pending.sha256_of(data) != run.sha256:
            with transaction.atomic():
                return _fail(run, _("That upload is gone; please upload the file again."))
        framework = run.framework
        try:
            outcome = import_results(
                data,
                run.file_name,
                default_framework=(framework.key, framework.version),
                dry_run=True,
                checking=Progress(run.pk),
            )
        except FileUnreadable as error:
            record = _unreadable_record(run.file_name, str(error))
        else:
            record = plan_record(outcome.plan)
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        if run.state != State.CHECKING:
            return "checked meanwhile"
        run.plan = record
        run.state = State.REFUSED if record["errors"] else State.CHECKED
        run.done = run.total = record["rows"]
        run.save(update_fields=["plan", "state", "done", "total", "updated_at"])
    if run.state == State.REFUSED:
        pending.forget(run.stored_name)
    return run.state


@jobs.job(gave_up=_record_failure, priority=jobs.SOMEONE_WAITS)
def import_upload(run_id: int) -> str:
    """Import the run's file, exactly the bytes that were checked, all or nothing, under the
    run's row lock: imported (with its batch), or refused when the evaluations were there by
    then. Does nothing for a run that is not being imported."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.state != State.IMPORTING:
            return "not importing"
        with translation.override(_language(run)):
            data = pending.read(run.stored_name)
            if data is None:
                return _fail(run, _("That upload is gone; please upload the file again."))
            if pending.sha256_of(data) != run.sha256:
                pending.forget(run.stored_name)
                return _fail(run, _("The file changed since the preview; please upload it again."))
            framework = run.framework
            outcome = import_results(
                data,
                run.file_name,
                default_framework=(framework.key, framework.version),
                user=run.created_by,
                progress=Progress(run.pk),
            )
            run.plan = plan_record(outcome.plan)
        if outcome.written:
            run.state, run.batch_id = State.IMPORTED, outcome.batch_id
            run.done = run.total = len(outcome.evaluation_ids)
        else:  # the evaluations are there by now (another import got there first)
            run.state = State.REFUSED
            run.done = 0
        run.save(update_fields=["plan", "state", "batch", "done", "total", "updated_at"])
    pending.forget(run.stored_name)
    return run.state


def first_result(run: ImportRun):
    """(municipality id, framework id) of the first evaluation imported, for the link to it."""
    if run.batch_id is None:
        return None
    evaluations = run.batch.evaluations.order_by("pk")
    return evaluations.values_list("municipality_id", "framework_id").first()
