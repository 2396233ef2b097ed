"""The database part of a backup: a consistent copy taken while the app runs, and putting it
back into an empty instance.

SQLite: the standard library's online backup API (one pass, one read snapshot; in WAL mode the
app's writers are not blocked). PostgreSQL: the server's own `pg_dump --format=custom`, run in a
snapshot exported by a repeatable-read transaction of ours, so that what we read (the applied
migrations, the files the rows name) is exactly what the dump holds; `pg_restore` puts it back.
The connection goes to the tools through the environment (PGPASSWORD and the like), never on
their command line. The shared cache's table is backed up empty.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kommunekompass.core.backups.manifest import BackupError

# Rows in these tables are set-up, not anybody's data: a migrated, unused instance has them.
SETUP_MODELS = {"contenttypes.contenttype", "auth.permission", "auth.group", "sessions.session"}
SETUP_APPS = {"axes"}


def cache_table() -> str | None:
    cache = settings.CACHES["default"]
    return cache["LOCATION"] if cache["BACKEND"].endswith("DatabaseCache") else None


def vendor() -> str:
    return connection.vendor


# --- taking the copy --------------------------------------------------------------------------


@contextlib.contextmanager
def dump(target: Path) -> Iterator[None]:
    """Write the database to `target`. Inside the block, the ORM on `connection` reads the
    state the copy holds (SQLite: the copy itself, through a second alias; PostgreSQL: the
    dump's snapshot)."""
    if connection.vendor == "sqlite":
        with _dump_sqlite(target):
            yield
    elif connection.vendor == "postgresql":
        with _dump_postgresql(target):
            yield
    else:
        raise BackupError(
            _("Backups support SQLite and PostgreSQL, not %(vendor)s.")
            % {"vendor": connection.vendor}
        )


@contextlib.contextmanager
def _dump_sqlite(target: Path) -> Iterator[None]:
    source = sqlite3.connect(connection.settings_dict["NAME"], timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # all pages in one step: one consistent read snapshot
        table = cache_table()
        if (
            table
            and copy.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)
            ).fetchone()
        ):
            copy.execute(f'DELETE FROM "{table}"')
            copy.commit()
    finally:
        copy.close()
        source.close()
    with _reading_copy(target):
        yield
    # The app's connection settings put the copy in WAL mode: make it one self-contained file.
    copy = sqlite3.connect(target)
    try:
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()


@contextlib.contextmanager
def _reading_copy(path: Path) -> Iterator[None]:
    """The default connection reads the SQLite file at `path` for the duration."""
    connection.close()
    original = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


def _pg_environment() -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ}
    values = {
        "PGDATABASE": db.get("NAME"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
    }
    for option, variable in [
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ]:
        values[variable] = db.get("OPTIONS", {}).get(option)
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def _major(program: str) -> int | None:
    try:
        output = subprocess.run(
            [program, "--version"], capture_output=True, text=True, timeout=30
        ).stdout
    except OSError:
        return None
    found = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(found.group(1)) if found else None


def pg_tool(name: str) -> str:
    """The path of the PostgreSQL client program `name` (pg_dump, pg_restore) of the server's
    major version or newer: on PATH or under /usr/lib/postgresql/*/bin."""
    connection.ensure_connection()
    server = connection.pg_version // 10000
    candidates = [shutil.which(name), *sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))]
    found = [(major, path) for path in candidates if path and (major := _major(path))]
    usable = [item for item in found if item[0] >= server]
    if usable:
        return max(usable)[1]
    if found:
        raise BackupError(
            _(
                "%(name)s %(found)s is too old for the PostgreSQL %(server)s server: install the "
                "client programs of version %(server)s or newer (e.g. the package "
                "postgresql-client-%(server)s) or put them first on PATH."
            )
            % {"name": name, "found": max(found)[0], "server": server}
        )
    raise BackupError(
        _(
            "%(name)s was not found (on PATH or under /usr/lib/postgresql/*/bin): install the "
            "PostgreSQL client programs of version %(server)s or newer (e.g. the package "
            "postgresql-client-%(server)s)."
        )
        % {"name": name, "server": server}
    )


def _run_tool(args: list[str]) -> None:
    result = subprocess.run(args, capture_output=True, text=True, env=_pg_environment())
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": Path(args[0]).name, "error": result.stderr.strip()}
        )


@contextlib.contextmanager
def _dump_postgresql(target: Path) -> Iterator[None]:
    program = pg_tool("pg_dump")
    connection.ensure_connection()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        args = [program, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"]
        if table := cache_table():
            args.append(f"--exclude-table-data={table}")
        _run_tool(args)
        yield


def applied_migrations() -> list[tuple[str, str]]:
    """(app, name) of every migration the database the connection reads has applied."""
    return sorted(MigrationRecorder(connection).applied_migrations())


# --- putting it back --------------------------------------------------------------------------


def unknown_migrations(migrations: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The backup's applied migrations this code does not have (the backup is newer)."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [item for item in migrations if tuple(item) not in known]


def model_tables() -> dict[str, str]:
    """{table: model label} of every installed model, many-to-many tables included."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        tables[model._meta.db_table] = model._meta.label_lower
    return tables


def what_the_database_holds() -> list[str]:
    """Why the target database is not empty ("table: N rows"), or [] when it is: no tables,
    or Django's tables holding nothing but set-up rows."""
    existing = set(connection.introspection.table_names())
    tables = model_tables()
    ours = set(tables) | {MigrationRecorder.Migration._meta.db_table, cache_table()}
    held = [
        _("%(table)s (a table that is not Kommunekompass's)") % {"table": table}
        for table in sorted(existing - ours)
    ]
    with connection.cursor() as cursor:
        for table in sorted(existing & set(tables)):
            label = tables[table]
            app_label = label.split(".")[0]
            if label in SETUP_MODELS or app_label in SETUP_APPS or label.startswith("auth.group_"):
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            count = cursor.fetchone()[0]
            if count:
                held.append(
                    ngettext("%(table)s: %(count)d row", "%(table)s: %(count)d rows", count)
                    % {"table": table, "count": count}
                )
    return held


def load(source: Path) -> None:
    """Replace the (empty) target database by the backup's."""
    if connection.vendor == "sqlite":
        _load_sqlite(source)
    else:
        _load_postgresql(source)


def _load_sqlite(source: Path) -> None:
    connection.close()
    backup = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(connection.settings_dict["NAME"], timeout=30)
    try:
        backup.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()
        backup.close()


def _load_postgresql(source: Path) -> None:
    program = pg_tool("pg_restore")
    existing = connection.introspection.table_names()
    if existing:  # an empty migrated schema: make room for the backup's
        names = ", ".join(connection.ops.quote_name(name) for name in existing)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {names} CASCADE")
    connection.close()
    _run_tool(
        [
            program,
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(source),
        ]
    )


def pending_after_load() -> list[tuple[str, str]]:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [(migration.app_label, migration.name) for migration, _backwards in plan]
