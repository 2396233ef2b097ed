"""Backups that restore: `kommunekompass backup` (here, in the test's process, of the suite's
database, SQLite or PostgreSQL, once the test has committed its data) and `kommunekompass
restore` (as users run it: a separate process, into a second instance). The drill: a small
published world is backed up, restored into a second, empty instance, and every published
version's stored files and every figure there are identical to the originals."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from kommunekompass.core.backups.manifest import DATABASE_FILES, FILES_DIR, Manifest, sha256_of
from kommunekompass.evaluations.models import Evidence, PublishedVersion
from kommunekompass.reports.published import docx_path, store_docx
from tests.conftest import make_world, shipped
from tests.factories import make_user
from tests.test_object_storage import BUCKET, bucket, s3_server  # noqa: F401
from tests.test_snapshot import add_scores, publish

COMMAND = shutil.which("kommunekompass") or str(Path(sys.executable).parent / "kommunekompass")
VERSION_TABLE = PublishedVersion._meta.db_table


def run(*args, data_dir: Path, database_url: str | None):
    env = {**os.environ, "KOMMUNEKOMPASS_DATA_DIR": str(data_dir), "KOMMUNEKOMPASS_LANGUAGE": "en"}
    for name in ["DATABASE_URL", "KOMMUNEKOMPASS_SECRET_KEY", "KOMMUNEKOMPASS_S3_BUCKET"]:
        env.pop(name, None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run([COMMAND, *args], capture_output=True, text=True, env=env, timeout=300)


def url_of(name: str) -> str:
    """The database `name` on the suite's PostgreSQL server."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def target(tmp_path):
    """A second, empty instance: its own data dir, and on PostgreSQL its own database on the
    same server, dropped afterwards."""
    data_dir = tmp_path / "target"
    if connection.vendor == "sqlite":
        yield data_dir, None
        return
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield data_dir, url_of(name)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restored_rows(database_url: str | None, data_dir: Path, sql: str) -> list[tuple]:
    """Rows of the restored instance's database, read directly."""
    if database_url is None:
        with sqlite3.connect(data_dir / "kommunekompass.sqlite3") as db:
            return db.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(database_url) as db:
        return db.execute(sql).fetchall()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def figures(data) -> tuple:
    """The total and the points of every area of a version's snapshot."""
    data = json.loads(data) if isinstance(data, str) else data
    areas = [(child["code"], child["points"]) for child in data["result"]["children"]]
    return data["total"], data["result"]["points"], areas


def row_counts(rows_of) -> dict[str, int]:
    tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    return {table: rows_of(f'SELECT COUNT(*) FROM "{table}"')[0][0] for table in sorted(tables)}


@pytest.fixture
def published_world(transactional_db, settings, tmp_path):
    """Fjordvik 2026 and Nordhei 2026 published through the workflow (stored PDF and workbook
    each, and Fjordvik's Word document), and an evidence file, all committed, with the files
    in the data dir `tmp_path/source`."""
    settings.MEDIA_ROOT = tmp_path / "source" / "uploads"
    w = make_world(shipped("kommunekompass"))
    w.second = make_user("second", evaluator=True)
    w.draft.evaluators.add(w.second)
    w.nordhei_draft.evaluators.add(w.second)
    questions = w.framework.spec.questions
    add_scores(w.draft, {q.code: {d.code: 2 for d in q.scheme.dimensions} for q in questions[:30]})
    add_scores(
        w.nordhei_draft, {q.code: {d.code: 1 for d in q.scheme.dimensions} for q in questions[:9]}
    )
    evidence = Evidence(evaluation=w.draft, title="Årsrapport", original_name="Årsrapport.pdf")
    evidence.file.save("Årsrapport.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    w.versions = [publish(w.draft, w.eva, w.second), publish(w.nordhei_draft, w.otto, w.second)]
    store_docx(w.versions[0])
    return w


def stored_files_of(versions) -> list[str]:
    names = []
    for version in PublishedVersion.objects.filter(pk__in=[v.pk for v in versions]):
        assert version.pdf.name and version.xlsx.name
        names += [version.pdf.name, version.xlsx.name]
    return names + [docx_path(versions[0])]


def back_up(folder: Path, *options: str) -> str:
    """`kommunekompass backup -o folder`, in this process (on the suite's database, whose data
    the transactional test has committed); its output."""
    from io import StringIO

    out = StringIO()
    with translation.override("en"):
        call_command("backup", "-o", str(folder), *options, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_restore_drill(published_world, tmp_path, target):
    w = published_world
    source_dir = tmp_path / "source"
    backup = tmp_path / "backup"
    assert "Backup written" in back_up(backup)
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["database"]["vendor"] == connection.vendor
    evidence = Evidence.objects.get(evaluation=w.draft)
    names = [*stored_files_of(w.versions), evidence.file.name]
    assert set(names) <= {item["name"] for item in manifest["files"]}

    target_dir, target_url = target
    restored = run("restore", str(backup), data_dir=target_dir, database_url=target_url)
    assert restored.returncode == 0, restored.stderr

    # Every stored file byte for byte; every figure, read from the restored database.
    for name in names:
        assert sha(target_dir / "uploads" / name) == sha(source_dir / "uploads" / name), name
    columns = f'evaluation_id, number, data, pdf, xlsx FROM "{VERSION_TABLE}" ORDER BY 1, 2'
    there = restored_rows(target_url, target_dir, f"SELECT {columns}")
    here = list(
        PublishedVersion.objects.order_by("evaluation_id", "number").values_list(
            "evaluation_id", "number", "data", "pdf", "xlsx"
        )
    )
    assert len(here) == 3  # and the world's earlier evaluation, frozen without files
    assert [(*row[:2], figures(row[2]), *row[3:]) for row in there] == [
        (*row[:2], figures(row[2]), *row[3:]) for row in here
    ]
    assert [json.loads(r[2]) if isinstance(r[2], str) else r[2] for r in there] == [
        r[2] for r in here
    ]
    assert len({figures(row[2])[0] for row in here}) > 1
    counts = row_counts(rows_here)
    assert row_counts(lambda sql: restored_rows(target_url, target_dir, sql)) == counts
    secret = (target_dir / "secret_key").read_text()
    assert secret == (backup / "secret_key").read_text() == settings.SECRET_KEY

    # Into an instance that holds data (this one): refused, and nothing changed.
    stored = sorted(p.relative_to(source_dir) for p in (source_dir / "uploads").rglob("*"))
    message = restore_refused(backup)
    assert "not empty" in message and "auth_user" in message
    assert row_counts(rows_here) == counts
    assert sorted(p.relative_to(source_dir) for p in (source_dir / "uploads").rglob("*")) == stored


def rows_here(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def fake_backup(folder: Path, **changes) -> Path:
    """A backup folder with a valid manifest over a stand-in database and one file."""
    vendor = connection.vendor
    (folder / FILES_DIR / "evidence" / "1").mkdir(parents=True)
    (folder / DATABASE_FILES[vendor]).write_bytes(b"stand-in")
    (folder / FILES_DIR / "evidence" / "1" / "a.pdf").write_bytes(b"%PDF-1.4 original")
    size, checksum = sha256_of(folder / FILES_DIR / "evidence" / "1" / "a.pdf")
    data = {
        "format": "kommunekompass-backup",
        "format_version": 1,
        "app_version": "0.1.0",
        "created_at": "2026-12-02T10:00:00+00:00",
        "database": {
            "vendor": vendor,
            "file": DATABASE_FILES[vendor],
            "size": 8,
            "sha256": sha256_of(folder / DATABASE_FILES[vendor])[1],
        },
        "migrations": [["evaluations", "0001_initial"]],
        "storage": "local",
        "files": [{"name": "evidence/1/a.pdf", "size": size, "sha256": checksum}],
        "missing_files": [],
        "secret_key": None,
        **changes,
    }
    Manifest(data).write(folder)
    return folder


def restore_refused(folder: Path) -> str:
    """The restore's message (in English). No database fixture: a refusal touches nothing."""
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("restore", str(folder))
    return str(refused.value)


def test_a_changed_file_in_the_backup_is_refused_by_name(tmp_path):
    folder = fake_backup(tmp_path / "backup")
    (folder / FILES_DIR / "evidence" / "1" / "a.pdf").write_bytes(b"%PDF-1.4 changed!")
    message = restore_refused(folder)
    assert "evidence/1/a.pdf" in message and "checksum" in message
    (folder / FILES_DIR / "evidence" / "1" / "a.pdf").unlink()
    assert "a.pdf is missing" in restore_refused(folder)


def test_a_backup_of_a_newer_version_or_another_database_is_refused(tmp_path):
    newer = fake_backup(tmp_path / "newer", migrations=[["evaluations", "9999_from_the_future"]])
    assert "evaluations.9999_from_the_future" in restore_refused(newer)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    folder = tmp_path / "other"
    fake_backup(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / DATABASE_FILES[connection.vendor]).rename(folder / DATABASE_FILES[other])
    manifest["database"].update(vendor=other, file=DATABASE_FILES[other])
    Manifest(manifest).write(folder)
    assert f"holds a {other} database" in restore_refused(folder)


def test_a_backup_goes_into_a_new_or_empty_folder(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something.txt").write_text("x")
    with pytest.raises(CommandError, match="full"):
        call_command("backup", "-o", str(tmp_path / "full"))
    assert os.listdir(tmp_path / "full") == ["something.txt"]
    inside = Path(settings.MEDIA_ROOT) / "backup"
    with translation.override("en"), pytest.raises(CommandError, match="inside the file storage"):
        call_command("backup", "-o", str(inside))  # it would copy itself
    assert not inside.exists()


def test_a_backup_from_the_bucket_restores_into_local_files(
    bucket,
    s3_server,
    transactional_db,
    tmp_path,
    target,  # noqa: F811
):
    """Files in S3 are backed up through the storage API; a file the database names that the
    bucket lost is reported by name (non-zero exit), and the rest restores. (And a backup
    without the secret key.)"""
    client = s3_server["client"]
    w = make_world(shipped("kommunekompass"))
    contents = {"evidence/1/kept.pdf": b"%PDF kept", "evidence/1/lost.pdf": b"%PDF lost"}
    for key, body in contents.items():
        client.put_object(Bucket=BUCKET, Key=key, Body=body)
        Evidence.objects.create(evaluation=w.draft, title=key, file=key)
    client.delete_object(Bucket=BUCKET, Key="evidence/1/lost.pdf")
    backup = tmp_path / "backup"
    with pytest.raises(CommandError) as missing:
        back_up(backup, "--without-secret-key")
    assert "evidence/1/lost.pdf" in str(missing.value) and "kept.pdf" not in str(missing.value)
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["storage"] == "s3"
    assert manifest["missing_files"] == ["evidence/1/lost.pdf"]
    assert manifest["secret_key"] is None and not (backup / "secret_key").exists()

    target_dir, target_url = target
    restored = run("restore", str(backup), data_dir=target_dir, database_url=target_url)
    assert restored.returncode == 0, restored.stderr
    assert "evidence/1/lost.pdf" in restored.stderr  # said again
    assert "no secret key" in restored.stdout
    assert (target_dir / "uploads" / "evidence/1/kept.pdf").read_bytes() == b"%PDF kept"
