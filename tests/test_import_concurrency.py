"""Imports are idempotent under concurrency: the same file imported twice at once writes each
evaluation once, and the second import is told the evaluations exist (never a 500)."""

import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

import kommunekompass
from kommunekompass.evaluations.models import AuditEntry, Evaluation, PublishedVersion
from kommunekompass.imports import applying, runs
from kommunekompass.imports.applying import AlreadyImported, import_results
from kommunekompass.imports.models import ImportBatch, ImportRun
from tests.factories import make_municipality, make_user

EXAMPLE = Path(kommunekompass.__file__).parent / "imports" / "examples" / "midtre-gauldal-2023.csv"
KK = ("kommunekompass", "2020")
TWO = (
    "kommunenummer;år;kode;poeng\n"
    + "".join(f"9901;2022;{area};{5 * area}\n" for area in range(1, 9))
    + "".join(f"5027;2021;{area};{6 * area}\n" for area in range(1, 9))
)


@pytest.fixture(autouse=True)
def own_files(settings, tmp_path):
    """The waiting uploads and the imported versions' files in the test's own folder."""
    settings.MEDIA_ROOT = tmp_path


def in_parallel(*calls):
    """Run the calls in threads; each thread's outcome or exception, in order."""
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def wait_together(monkeypatch, module, name, *, after=False):
    """Make callers of `module.name` wait for each other (before the call, or `after` it),
    so that both pass the checks before either writes."""
    barrier = threading.Barrier(2, timeout=20)
    real = getattr(module, name)

    def waiting(*args, **kwargs):
        if not after:
            barrier.wait()
        outcome = real(*args, **kwargs)
        if after:
            barrier.wait()
        return outcome

    monkeypatch.setattr(module, name, waiting)


def one_writer_at_a_time_on_sqlite(monkeypatch, module, name):
    """On SQLite, let callers of `module.name` take turns, as BEGIN IMMEDIATE makes writers
    do on the site's database file. (The test database lives in shared memory, where a second
    writer fails with "table is locked" instead of waiting.) PostgreSQL runs them freely."""
    if connection.vendor != "sqlite":
        return
    lock = threading.Lock()
    real = getattr(module, name)

    def in_turn(*args, **kwargs):
        with lock:
            return real(*args, **kwargs)

    monkeypatch.setattr(module, name, in_turn)


@pytest.mark.django_db(transaction=True)
def test_two_parallel_imports_of_one_file_write_each_evaluation_once(
    kommunekompass_framework, monkeypatch
):
    make_municipality("Fjordvik kommune", "9901")
    make_municipality("Midtre Gauldal kommune", "5027")
    wait_together(monkeypatch, applying, "plan_import", after=True)  # both plans see no evaluation
    one_writer_at_a_time_on_sqlite(monkeypatch, applying, "write_plan")

    def one_import():
        with translation.override("en"):  # each thread has its own language
            return import_results(TWO.encode(), "resultater.csv", default_framework=KK)

    first, second = in_parallel(one_import, one_import)
    outcomes = sorted([first, second], key=lambda o: not o.written)
    assert [o.written for o in outcomes] == [True, False], outcomes
    refused = outcomes[1]
    with translation.override("en"):
        messages = [str(p) for p in refused.plan.errors]
    assert messages == [
        "resultater.csv, row 2, column “year”: Fjordvik kommune already has a kommunekompass "
        "2020 evaluation for 2022.",
        "resultater.csv, row 10, column “year”: Midtre Gauldal kommune already has a "
        "kommunekompass 2020 evaluation for 2021.",
    ]
    assert Evaluation.objects.count() == 2
    for evaluation in Evaluation.objects.all():
        assert evaluation.status == "published" and evaluation.published_version == 1
        version = PublishedVersion.objects.get(evaluation=evaluation)
        assert version.number == 1 and version.published_alone
        statuses = AuditEntry.objects.filter(evaluation=evaluation, action="status")
        assert [e.note for e in statuses] == ["Imported from resultater.csv"]


def test_a_parallel_import_caught_by_the_unique_constraint_is_the_same_clear_error(
    kommunekompass_framework, monkeypatch
):
    """The in-transaction check does not see an import that commits just after it (PostgreSQL,
    read committed): the database's unique constraint refuses the insert, and the outcome is
    the same as the check's."""
    make_municipality("Fjordvik kommune", "9901")
    make_municipality("Midtre Gauldal kommune", "5027")
    plan = import_results(TWO.encode(), "resultater.csv", default_framework=KK, dry_run=True).plan
    assert import_results(TWO.encode(), "andre.csv", default_framework=KK).written
    real, calls = applying._already_there, []

    def blind_once(*args):
        calls.append(args)
        return [] if len(calls) == 1 else real(*args)

    monkeypatch.setattr(applying, "_already_there", blind_once)
    with pytest.raises(AlreadyImported) as refused:
        applying.write_plan(plan)
    assert len(calls) == 2
    assert [p.row for p in refused.value.problems] == [2, 10]
    assert "Fjordvik kommune har allerede en" in str(refused.value.problems[0])
    assert Evaluation.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_of_one_upload_import_it_once(
    kommunekompass_framework, monkeypatch, settings
):
    """A double click: both confirmations reach the run at once; the run's row lock and its
    state let one of them enqueue the import, and the other finds it importing or imported."""
    if connection.vendor == "sqlite":  # no session writes racing in the shared-memory database
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    municipality = make_municipality("Midtre Gauldal kommune", "5027")
    eva = make_user("eva", evaluator=True)
    eva.user_permissions.add(Permission.objects.get(codename="import_results"))
    first = Client()
    first.force_login(eva)
    checked = first.post(
        reverse("imports:upload"),
        {
            "file": SimpleUploadedFile(EXAMPLE.name, EXAMPLE.read_bytes()),
            "framework": kommunekompass_framework.pk,
        },
    )
    run = ImportRun.objects.get(pk=checked.url.rstrip("/").rsplit("/", 1)[1])
    assert run.state == "checked"
    second = Client()
    second.cookies = first.cookies  # the same browser session
    if connection.vendor == "sqlite":
        one_writer_at_a_time_on_sqlite(monkeypatch, runs, "confirm")
    else:
        wait_together(monkeypatch, runs, "visible_run")  # both reach the row lock together
    url = reverse("imports:confirm", args=[run.pk])

    def confirm(client):
        return lambda: client.post(url, {"sha256": run.sha256})

    responses = in_parallel(confirm(first), confirm(second))
    assert [r.status_code for r in responses] == [302, 302], responses
    assert {r.url for r in responses} == {reverse("imports:run", args=[run.pk])}
    run.refresh_from_db()
    assert run.state == "imported"
    evaluation = Evaluation.objects.get(municipality=municipality)
    assert evaluation.published_version == 1
    assert PublishedVersion.objects.filter(evaluation=evaluation).count() == 1
    assert ImportBatch.objects.get().evaluations.get() == evaluation


def test_an_upload_whose_evaluations_were_imported_meanwhile_is_told_so(
    kommunekompass_framework, client
):
    """Checked, then the same results imported another way before the confirmation: the
    import job finds them there and the run's page says so, naming the row."""
    make_municipality("Midtre Gauldal kommune", "5027")
    eva = make_user("eva", evaluator=True)
    eva.user_permissions.add(Permission.objects.get(codename="import_results"))
    client.force_login(eva)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    checked = client.post(
        reverse("imports:upload"),
        {
            "file": SimpleUploadedFile(EXAMPLE.name, EXAMPLE.read_bytes()),
            "framework": kommunekompass_framework.pk,
        },
        follow=True,
    )
    run = ImportRun.objects.get(pk=checked.resolver_match.kwargs["pk"])
    assert import_results(EXAMPLE.read_bytes(), "other.csv", default_framework=KK).written
    page = client.post(
        reverse("imports:confirm", args=[run.pk]), {"sha256": run.sha256}, follow=True
    ).content.decode()
    run.refresh_from_db()
    assert run.state == "refused" and run.batch is None
    assert 'data-state="refused"' in page
    assert "row 2" in page and "already has a kommunekompass 2020 evaluation for 2023" in page
    assert Evaluation.objects.count() == 1
