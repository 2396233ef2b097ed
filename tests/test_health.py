"""Operations: the health checks, JSON logs, the deploy checks with the documented production
settings, and clear refusals on a database whose migrations are not applied."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from kommunekompass.core import health
from tests.once import runs_once

COMMAND = shutil.which("kommunekompass") or str(Path(sys.executable).parent / "kommunekompass")

# The production settings of docs/deployment.md and README ("Behind a reverse proxy").
PRODUCTION = {
    "KOMMUNEKOMPASS_SECURE": "1",
    "KOMMUNEKOMPASS_SECRET_KEY": "k" * 20 + "-production-secret-key-of-fifty-characters-or-more",
    "KOMMUNEKOMPASS_ALLOWED_HOSTS": "kompass.example.no",
    "KOMMUNEKOMPASS_CSRF_TRUSTED_ORIGINS": "https://kompass.example.no",
    "KOMMUNEKOMPASS_TRUSTED_PROXIES": "10.0.0.5",
    "KOMMUNEKOMPASS_DEBUG": "0",
}


def run(args, data_dir, **env):
    environment = {
        **os.environ,
        "KOMMUNEKOMPASS_DATA_DIR": str(data_dir),
        "KOMMUNEKOMPASS_LANGUAGE": "en",
        **env,
    }
    environment.pop("DATABASE_URL", None)
    # The browser tests' conftest allows Django's ORM beside Playwright's event loop in this
    # process; a deployment never does, and the deploy checks say so.
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [COMMAND, *args], env=environment, capture_output=True, text=True, timeout=300
    )


def test_liveness_answers_without_the_database(client):
    # No django_db mark: a query would fail the test.
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Content-Type"] == "application/json"
    assert "Set-Cookie" not in response.headers


@pytest.mark.django_db
def test_readiness_checks_database_migrations_and_storage(client):
    response = client.get("/health/ready/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "storage": "ok",
        "queue": "ok",  # the job queue's table (django-tasks' database backend)
    }


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["kompass.example.no"])
def test_probes_are_not_redirected_nor_refused_for_their_host(client):
    """A load balancer probes over plain HTTP, often with the server's address as host."""
    for path in ("/health/", "/health/ready/"):
        response = client.get(path, HTTP_HOST="10.0.0.7:8000")
        assert response.status_code == 200, path
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400


def test_probes_take_only_get(client):
    response = client.post("/health/ready/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db
def test_readiness_names_unwritable_storage(client, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the storage folder should be")
    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker)},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        response = client.get("/health/ready/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["storage"].startswith("failed: ")


@pytest.mark.django_db
def test_readiness_names_pending_migrations(client, monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)
    monkeypatch.setattr(health, "pending_migrations", lambda: ["evaluations.9999_future"])
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "failed: RuntimeError"


@runs_once
def test_json_logs_when_asked_for(tmp_path):
    script = "import logging; logging.getLogger('kommunekompass.test').warning('hello %s', 'x')"
    result = run(["shell", "-c", script], tmp_path / "data", KOMMUNEKOMPASS_LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "hello" in line]
    assert len(lines) == 1, result.stderr
    record = json.loads(lines[0])
    assert record["message"] == "hello x"
    assert record["level"] == "WARNING"
    assert record["logger"] == "kommunekompass.test"
    assert "time" in record


@runs_once
def test_deploy_checks_are_clean_with_the_production_settings(tmp_path):
    result = run(["check", "--deploy", "--fail-level", "WARNING"], tmp_path / "data", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@runs_once
def test_commands_on_an_unmigrated_database_say_so(tmp_path):
    result = run(["evaluations"], tmp_path / "data")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "migrations are not applied" in result.stderr
    assert "kommunekompass migrate" in result.stderr


@runs_once
def test_serve_no_migrate_refuses_pending_migrations(tmp_path):
    result = run(["serve", "--no-migrate", "--port", "9"], tmp_path / "data")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "migrations are not applied" in result.stderr
    assert "kommunekompass migrate" in result.stderr
