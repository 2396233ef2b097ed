"""The job queue: heavy work (rendering a published version's files, the open-data files,
mails, reminders) runs outside the request, in a worker.

The queue is django-tasks (the backport of Django 6's tasks framework) with its database
backend (django-tasks-db): a job is a row in the app's own database, SQLite or PostgreSQL, so
the embedded set-up needs no other server. `kommunekompass worker` runs jobs (the backend's
`db_worker`); `kommunekompass serve` runs one worker thread beside the web server unless told
not to. With `KOMMUNEKOMPASS_JOBS=immediate` (and in most tests) a job runs at once, in the
process that enqueues it.

What this module adds to the library, and nothing more:

- `job()`: a task that is tried again when it fails, at most `JOB_ATTEMPTS` times in all, after
  `JOB_RETRY_SECONDS`, then four times as long, and so on. A retry is a new row of the same
  task with `attempt` one higher in its keyword arguments; the failed attempt keeps its own row
  with the error, so every failure is on record. Every job must be idempotent: a retry, or a
  job enqueued twice, must give the same result as one run.
- `enqueue_after_commit()`: enqueue once the caller's transaction has committed (on the database
  backend the row is written inside the transaction instead, so the job and the change that
  asked for it are committed together or not at all).
- `failed()` and `describe()`: the failed attempts, for `kommunekompass jobs` and the admin.
- `make_worker()`: the backend's worker, for `kommunekompass worker` and `serve`.

No app is imported here: the job functions live in the apps that own the work.
"""

from __future__ import annotations

import datetime
import logging
import sys
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import task, task_backends

log = logging.getLogger(__name__)

# A worker takes the job of highest priority first (then the oldest). A person watching a page
# for its outcome (an import's check, a password reset mail) goes before the published files,
# which go before the open-data files that nobody waits for.
SOMEONE_WAITS = 10
NOBODY_WAITS = -10


def job(
    function=None,
    *,
    attempts: int | None = None,
    priority: int = 0,
    secret: bool = False,
    gave_up=None,
):
    """Decorate a module-level function to make it a job (a django-tasks Task). Its arguments
    must be JSON-ready (ids, strings, numbers), never model instances. With `secret`, the
    arguments (a mail with a one-time link) are removed from the job's row once the attempt is
    over; they stay only while the job waits, as in a mail spool. `gave_up(error, *args,
    **kwargs)` is called when the last attempt has failed (to record the failure where the
    user sees it)."""

    def decorate(func):
        def run(context, *args, attempt: int = 1, **kwargs):
            try:
                return func(*args, **kwargs)
            except Exception:
                allowed = attempts or settings.JOB_ATTEMPTS
                log.exception("Job %s failed (attempt %s of %s)", func.__name__, attempt, allowed)
                if attempt < allowed:
                    _retry(context.task_result.task, args, kwargs, attempt)
                elif gave_up is not None:
                    try:
                        gave_up(sys.exc_info()[1], *args, **kwargs)
                    except Exception:
                        log.exception("Recording the failure of %s failed", func.__name__)
                raise
            finally:
                if secret:
                    _forget_arguments(context.task_result, attempt)

        # The task is found again by its module and name: they are the decorated function's.
        run.__module__ = func.__module__
        run.__name__ = func.__name__
        run.__qualname__ = func.__qualname__
        run.__doc__ = func.__doc__
        run.attempts = attempts
        run.work = func
        return task(takes_context=True, priority=priority)(run)

    return decorate(function) if function is not None else decorate


def attempts_of(task_object) -> int:
    return getattr(task_object.func, "attempts", None) or settings.JOB_ATTEMPTS


def retry_delay(attempt: int) -> int:
    """Seconds before the attempt after `attempt`: JOB_RETRY_SECONDS, then four times as long."""
    return settings.JOB_RETRY_SECONDS * 4 ** (attempt - 1)


def _retry(task_object, args, kwargs, attempt: int) -> None:
    delay = retry_delay(attempt)
    later = task_object
    if delay and task_object.get_backend().supports_defer:
        later = task_object.using(run_after=timezone.now() + datetime.timedelta(seconds=delay))
    later.enqueue(*args, attempt=attempt + 1, **kwargs)


REMOVED = "(removed)"


def _forget_arguments(task_result, attempt: int) -> None:
    if not stores_in_database(task_result.task):
        return
    from django_tasks_db.models import DBTaskResult

    kept = {"args": [REMOVED], "kwargs": {"attempt": attempt}}
    DBTaskResult.objects.filter(id=task_result.id).update(args_kwargs=kept)


def stores_in_database(task_object=None) -> bool:
    """Does the queue (of `task_object`, else the default one) keep its jobs in the database,
    for a worker to run? (False for the immediate backend.)"""
    from django_tasks_db.backend import DatabaseBackend

    backend = task_object.get_backend() if task_object else task_backends["default"]
    return isinstance(backend, DatabaseBackend)


def enqueue_after_commit(task_object, *args, **kwargs) -> None:
    """Enqueue `task_object(*args, **kwargs)` for after the current transaction: written in the
    same transaction on the database backend, run on commit otherwise."""
    if stores_in_database(task_object):
        task_object.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task_object.enqueue(*args, **kwargs))


# --- What the queue holds ---------------------------------------------------------------------


@dataclass
class JobRow:
    id: str
    name: str
    arguments: str
    status: str
    attempt: int
    attempts: int
    enqueued_at: datetime.datetime
    finished_at: datetime.datetime | None
    error: str

    @property
    def gave_up(self) -> bool:
        """The last attempt failed: nothing will try it again."""
        return self.status == "FAILED" and self.attempt >= self.attempts


def _last_line(text: str) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def _short(value) -> str:
    if value == REMOVED:
        return REMOVED
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def describe(row) -> JobRow:
    """A row of the queue in words."""
    kwargs = dict((row.args_kwargs or {}).get("kwargs") or {})
    attempt = int(kwargs.pop("attempt", 1))
    args = [_short(a) for a in (row.args_kwargs or {}).get("args") or []]
    args += [f"{key}={_short(value)}" for key, value in kwargs.items()]
    try:
        allowed = attempts_of(row.task)
    except Exception:  # noqa: BLE001 - a job whose function is gone is still listed
        allowed = settings.JOB_ATTEMPTS
    return JobRow(
        id=str(row.id),
        name=row.task_path,
        arguments=", ".join(args),
        status=row.status,
        attempt=attempt,
        attempts=allowed,
        enqueued_at=row.enqueued_at,
        finished_at=row.finished_at,
        error=_last_line(row.traceback),
    )


def rows():
    """The queue's rows (the backend's results), newest first."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.order_by("-enqueued_at")


def failed(limit: int = 100) -> list[JobRow]:
    """The failed attempts, newest first."""
    return [describe(row) for row in rows().failed()[:limit]]


def pending(task_object, *args, statuses=("READY", "RUNNING")) -> list:
    """The rows of `task_object` with these positional arguments that wait or run now (on the
    database backend; none on the others)."""
    if not stores_in_database(task_object):
        return []
    found = rows().filter(task_path=task_object.module_path, status__in=list(statuses))
    wanted = list(args)
    return [row for row in found if (row.args_kwargs or {}).get("args") == wanted]


def last_failure(task_object, *args) -> JobRow | None:
    """The newest failed attempt of `task_object` with these positional arguments, if the
    queue gave up on it."""
    found = rows().filter(task_path=task_object.module_path).failed()
    wanted = list(args)
    for row in found[:200]:
        if (row.args_kwargs or {}).get("args") == wanted:
            described = describe(row)
            return described if described.gave_up else None
    return None


def backlog() -> tuple[int, float | None]:
    """(jobs due now and waiting, seconds the oldest of them has waited): for a readiness
    check or monitoring. (0, None) when none waits, or the jobs run immediately."""
    if not stores_in_database():
        return 0, None
    due = rows().ready()
    oldest = due.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return due.count(), (timezone.now() - oldest).total_seconds() if oldest else None


# --- Running jobs ------------------------------------------------------------------------------


def make_worker(*, batch: bool = False, interval: float = 1.0, max_tasks: int | None = None):
    """The database backend's worker (as `db_worker` makes it), on every queue."""
    from django_tasks_db.management.commands.db_worker import Worker

    backend = task_backends["default"]
    return Worker(
        queue_names=["*"],
        interval=interval,
        batch=batch,
        backend_name=backend.alias,
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
    )


def run_until_empty() -> None:
    """Run every job that is due, then return (what `worker --batch` does)."""
    make_worker(batch=True, interval=0).run()
