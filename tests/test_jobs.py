"""The job queue on django-tasks' database backend, on whichever database the run uses (SQLite
or PostgreSQL, as DATABASE_URL says), with a real worker run (`kommunekompass worker --batch`
until the queue is empty): publishing -> job -> stored files, shown on the page; a failing job
tried again, then on record as failed; a job run twice changes nothing.

Every other test runs jobs with the immediate backend (tests/conftest.py)."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from kommunekompass.api import opendata
from kommunekompass.evaluations import snapshots
from kommunekompass.evaluations.models import Evaluation, PublishedVersion
from kommunekompass.evaluations.services.workflow import change_status
from kommunekompass.lib import jobs
from kommunekompass.lib.mail import deliver
from kommunekompass.people.reminders import send_reminders_job
from kommunekompass.reports import jobs as report_jobs
from kommunekompass.reports import published
from tests.conftest import shipped
from tests.factories import make_municipality, make_user

DATABASE_JOBS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_jobs(settings):
    settings.TASKS = DATABASE_JOBS
    settings.JOB_RETRY_SECONDS = 0  # a retry is due at once, so one batch run sees it


def publish_one(year=2026):
    """An evaluation published through the workflow (unscored questions confirmed)."""
    framework = shipped("kommunekompass")
    municipality = make_municipality(f"Jobbvik {year}", str(9000 + year % 1000))
    eva = make_user(f"eva{year}", evaluator=True)
    evaluation = Evaluation.objects.create(
        municipality=municipality, framework=framework, year=year
    )
    evaluation.evaluators.add(eva)
    change_status(evaluation, "submit", eva)
    with override_settings(KOMMUNEKOMPASS_FOUR_EYES=False):
        change_status(evaluation, "publish", eva, confirm_missing=True)
    return evaluation, PublishedVersion.objects.get(evaluation=evaluation, number=1)


def run_worker() -> str:
    out = io.StringIO()
    call_command("worker", "--batch", stdout=out)
    return out.getvalue()


def files_fragment(client, evaluation) -> str:
    response = client.get(reverse("reports:version_files", args=[evaluation.pk, 1]))
    assert response.status_code == 200
    return response.content.decode()


def stored_bytes(version) -> dict:
    version.refresh_from_db()
    with published.open_stored(published.docx_path(version)) as docx:
        return {
            "pdf": version.pdf.open("rb").read(),
            "xlsx": version.xlsx.open("rb").read(),
            "docx": docx.read(),
        }


@pytest.mark.django_db(transaction=True)
def test_publishing_queues_the_files_and_the_worker_stores_them_once(
    database_jobs, client, mailoutbox
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    evaluation, version = publish_one()
    # Committed with the publication: the files' job and the open-data job wait in the queue.
    waiting = DBTaskResult.objects.ready()
    assert sorted(waiting.values_list("task_path", flat=True)) == [
        "kommunekompass.api.opendata.regenerate_files",
        "kommunekompass.reports.jobs.store_version_files",
    ]
    assert not published.is_stored(version) and not published.is_docx_stored(version)
    assert jobs.backlog()[0] == 2

    # The page says so and asks again; an anonymous download is "being prepared".
    page = client.get(reverse("reports:version", args=[evaluation.pk, 1])).content.decode()
    assert "are being prepared" in page and 'hx-trigger="every 3s"' in page
    assert client.get(reverse("reports:version_pdf", args=[evaluation.pk, 1])).status_code == 503
    assert "are being prepared" in files_fragment(client, evaluation)

    # A mail with a one-time link waits in the queue beside them.
    mail = deliver.enqueue("Invitasjon", "https://k.example/i/SECRET/", "<p>SECRET</p>", "a@b.no")

    log = run_worker()
    assert "store_version_files" in log and "regenerate_files" in log
    assert DBTaskResult.objects.successful().count() == 3 and jobs.backlog() == (0, None)
    assert [m.subject for m in mailoutbox] == ["Invitasjon"] and "SECRET" in mailoutbox[0].body
    assert "SECRET" not in str(DBTaskResult.objects.get(id=mail.id).args_kwargs)  # sent: gone
    version.refresh_from_db()
    assert published.is_stored(version) and published.is_docx_stored(version)
    assert opendata.path_of(evaluation.framework, "csv").exists()
    fragment = files_fragment(client, evaluation)
    assert "being prepared" not in fragment and "hx-get" not in fragment
    response = client.get(reverse("reports:version_pdf", args=[evaluation.pk, 1]))
    assert response.status_code == 200
    first = stored_bytes(version)

    # Idempotent: the same job again finds the files made and leaves them as they are.
    report_jobs.store_version_files.enqueue(version.pk)
    run_worker()
    last = DBTaskResult.objects.filter(task_path__endswith="store_version_files")
    assert last.order_by("-enqueued_at").first().return_value == "already stored"
    assert stored_bytes(version) == first


@pytest.mark.django_db(transaction=True)
def test_a_failing_job_is_tried_again_then_recorded_as_failed(database_jobs, client, monkeypatch):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def broken(version):
        raise RuntimeError("The renderer is broken")

    monkeypatch.setattr(snapshots, "_renderer", broken)
    evaluation, version = publish_one()
    run_worker()
    attempts = DBTaskResult.objects.failed().filter(task_path__endswith="store_version_files")
    assert attempts.count() == settings.JOB_ATTEMPTS == 3
    described = sorted((jobs.describe(row) for row in attempts), key=lambda row: row.attempt)
    assert [row.attempt for row in described] == [1, 2, 3]
    assert [row.gave_up for row in described] == [False, False, True]
    assert all(row.error == "RuntimeError: The renderer is broken" for row in described)
    assert not published.is_stored(version)

    # The page says the files could not be made (and stops asking).
    fragment = files_fragment(client, evaluation)
    assert "could not be prepared" in fragment and "hx-get" not in fragment

    out = io.StringIO()
    with translation.override("nb"):  # as the command line speaks unless told otherwise
        call_command("jobs", stdout=out)
    listing = out.getvalue()
    assert f"store_version_files({version.pk})" in listing
    assert "forsøk 3 av 3  gitt opp" in listing and "mislyktes, prøves igjen" in listing
    assert "RuntimeError: The renderer is broken" in listing


@pytest.mark.django_db
def test_the_files_state_is_shown_to_those_who_may_see_the_version(
    client, django_assert_max_num_queries, database_jobs
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    evaluation, version = publish_one()  # its files' job waits: no worker runs here
    reader = make_user("reader-jobbvik", reader_of=evaluation.municipality)
    evaluator = evaluation.evaluators.get()
    outsider = make_user("outsider")
    url = reverse("reports:version_files", args=[evaluation.pk, 1])
    with django_assert_max_num_queries(6):
        assert "are being prepared" in client.get(url).content.decode()  # public: anyone
    assert client.get(reverse("reports:version_files", args=[evaluation.pk, 2])).status_code == 404
    change_status(evaluation, "withdraw", evaluator, "Feil kommune")
    assert client.get(url).status_code == 404  # withdrawn: no longer public
    for stranger in (outsider, reader):  # readers see published results only
        client.force_login(stranger)
        assert client.get(url).status_code == 404
    client.force_login(evaluator)
    assert "are being prepared" in client.get(url).content.decode()


@pytest.mark.django_db
def test_send_reminders_can_leave_its_run_to_the_queue():
    out = io.StringIO()
    call_command("send-reminders", "--enqueue", "--today", "2026-11-22", stdout=out)
    assert out.getvalue().startswith("Påminnelser: i jobbkøen")
    # The immediate backend (these tests) runs it at once; a worker would run it on its turn.
    result = send_reminders_job.enqueue(today="2026-11-22")
    assert result.status == "SUCCESSFUL" and result.return_value == {"created": 0, "mails": 0}
