"""A write that waited out SQLite's busy timeout ("database is locked") is answered 503 with
Retry-After and a page that says nothing was saved, never a 500; other database errors stay
server errors. Found by bench/topology.py: on one SQLite process, confirmations that waited
behind a long import failed with 500."""

import pytest
from django.db import OperationalError
from django.urls import reverse

from kommunekompass.imports import runs
from kommunekompass.imports.models import ImportRun
from tests.test_import_pages import grant_import


@pytest.fixture
def confirming(world, client, monkeypatch):
    client.force_login(grant_import(world.eva))
    run = ImportRun.objects.create(
        created_by=world.eva,
        file_name="resultater.csv",
        stored_name="imports/pending/x.upload",
        sha256="0" * 64,
        framework=world.framework,
    )

    def fail_with(message):
        def confirm(user, pk, sha256):
            raise OperationalError(message)

        monkeypatch.setattr(runs, "confirm", confirm)
        return client.post(
            reverse("imports:confirm", args=[run.pk]),
            {"sha256": run.sha256},
            headers={"Referer": f"http://testserver/imports/runs/{run.pk}/"},
        )

    return fail_with


def test_a_write_that_waited_too_long_is_answered_busy(confirming):
    response = confirming("database is locked")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert 'id="database-busy"' in page
    assert "Ingenting av den ble lagret" in page  # "nothing of it was saved", in bokmål
    assert 'href="http://testserver/imports/runs/' in page  # back where it came from


def test_another_database_error_is_still_a_server_error(confirming):
    with pytest.raises(OperationalError):
        confirming("no such table: imports_importrun")
