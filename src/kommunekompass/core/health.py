"""Health checks for load balancers and orchestrators, answered at the door.

`/health/` (liveness): the process answers; no database, no session, nothing else.
`/health/ready/` (readiness): the database answers, every migration is applied, the file
storage (the data directory or the object store) takes a file and gives it back, and the job
queue's table answers when a django-tasks app is installed. 200 when all is well, else 503 with
the failing part named.

The middleware sits first in MIDDLEWARE: a probe needs no session, no CSRF cookie, no language
and no login; it is not redirected to https (a load balancer probes the server over plain
HTTP) and it is answered whatever Host header it sends (a probe often uses the address).
"""

from __future__ import annotations

import json
import logging
import uuid

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse

logger = logging.getLogger("kommunekompass.health")

LIVE_PATH = "/health/"
READY_PATH = "/health/ready/"
PROBE_FOLDER = "health"


def _json(status: int, payload: dict) -> HttpResponse:
    response = HttpResponse(json.dumps(payload), content_type="application/json", status=status)
    response["Cache-Control"] = "no-store"
    return response


def check_database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def pending_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The migrations not applied to the database, as "app.name"."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


# Once every migration is applied, they stay applied for the life of this process (new
# migrations come with new code, in a new process): the graph is not loaded again.
_migrated = False


def check_migrations() -> None:
    global _migrated
    if _migrated:
        return
    pending = pending_migrations()
    if pending:
        raise RuntimeError(f"{len(pending)} migrations not applied")
    _migrated = True


def check_storage() -> None:
    """Write a small file to the default storage, read it back and remove it."""
    from django.core.files.storage import default_storage

    token = uuid.uuid4().hex
    content = token.encode()
    name = default_storage.save(f"{PROBE_FOLDER}/ready-{token}.txt", ContentFile(content))
    try:
        with default_storage.open(name, "rb") as handle:
            if handle.read() != content:
                raise RuntimeError("the file read back differs")
    finally:
        default_storage.delete(name)


def queue_models() -> list:
    """The models of the installed django-tasks apps (its database backend's results)."""
    names = ("django_tasks", "django_tasks_db")
    if not any(apps.is_installed(name) for name in names):
        return []
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("django_tasks")
        for model in config.get_models()
    ]


def check_queue() -> None:
    for model in queue_models():
        model.objects.exists()


CHECKS = {
    "database": check_database,
    "migrations": check_migrations,
    "storage": check_storage,
    "queue": check_queue,
}


def readiness() -> tuple[bool, dict[str, str]]:
    """(all well, {part: "ok" or what failed}). Migrations are not checked without a database,
    and the queue only when a django-tasks app is installed."""
    results: dict[str, str] = {}
    for part, check in CHECKS.items():
        if part == "queue" and not queue_models():
            continue
        if part == "migrations" and results.get("database") != "ok":
            results[part] = "not checked"
            continue
        try:
            check()
        except Exception as error:  # noqa: BLE001 - any failure makes the part fail
            logger.error("Readiness check %s failed: %r", part, error)
            # The class of the error only: its message may name hosts or users.
            results[part] = f"failed: {type(error).__name__}"
        else:
            results[part] = "ok"
    return all(value == "ok" for value in results.values()), results


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path not in (LIVE_PATH, READY_PATH):
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = _json(405, {"status": "method not allowed"})
            response["Allow"] = "GET, HEAD"
            return response
        if path == LIVE_PATH:
            return _json(200, {"status": "ok"})
        ready, checks = readiness()
        return _json(200 if ready else 503, {"status": "ok" if ready else "fail", "checks": checks})
