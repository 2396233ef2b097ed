"""The upload page: importers check a file, see the dry run, and confirm exactly those bytes;
the imports made are listed with their file, its SHA-256 and who made them. The check and the
import are jobs (the immediate backend here: they have run when the run's page is shown;
tests/test_import_jobs.py runs them with the database backend and a worker)."""

import datetime
import hashlib
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import kommunekompass
from kommunekompass.evaluations.models import AuditEntry, Evaluation
from kommunekompass.imports import pending
from kommunekompass.imports.models import ImportBatch, ImportRun

EXAMPLE = Path(kommunekompass.__file__).parent / "imports" / "examples" / "midtre-gauldal-2023.csv"


def grant_import(user):
    user.user_permissions.add(Permission.objects.get(codename="import_results"))
    return user


@pytest.fixture(autouse=True)
def own_uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def midtre_gauldal(world):
    from tests.factories import make_municipality

    return make_municipality("Midtre Gauldal kommune", "5027")


@pytest.fixture
def importer(world):
    return grant_import(world.eva)


def upload(client, world, content=None, name="midtre-gauldal-2023.csv", follow=True):
    """Upload a file; the run's page (its check has run) unless `follow` is off."""
    data = content if content is not None else EXAMPLE.read_bytes()
    return client.post(
        reverse("imports:upload"),
        {
            "file": SimpleUploadedFile(name, data),
            "framework": world.framework.pk,
        },
        follow=follow,
    )


def hidden(html, name):
    return html.split(f'name="{name}" value="')[1].split('"')[0]


def state_of(html):
    return html.split('data-state="')[1].split('"')[0]


def run_of(response) -> ImportRun:
    return ImportRun.objects.get(pk=response.resolver_match.kwargs["pk"])


def test_an_importer_checks_a_file_sees_the_dry_run_and_confirms(
    client, world, midtre_gauldal, importer
):
    client.force_login(importer)
    preview = upload(client, world)
    assert preview.status_code == 200 and preview.redirect_chain[0][1] == 302
    html = preview.content.decode()
    run = run_of(preview)
    assert state_of(html) == "checked" and run.state == "checked" and run.created_by == importer
    assert "Prøvekjøring" in html and "Midtre Gauldal kommune" in html
    assert 'hx-trigger="every 2s"' not in html  # done: the page stops asking
    # The stated area 2 sum is flagged ("row 12" until the nb translations are merged).
    assert ("rad 12" in html or "row 12" in html) and "77" in html
    assert not Evaluation.objects.filter(municipality=midtre_gauldal).exists()
    sha256 = hidden(html, "sha256")
    assert sha256 == run.sha256 == hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()
    assert default_storage.exists(run.stored_name)  # in the shared storage, not a local path
    done = client.post(reverse("imports:confirm", args=[run.pk]), {"sha256": sha256})
    assert done.status_code == 302 and done.url == reverse("imports:run", args=[run.pk])
    page = client.get(done.url).content.decode()
    assert state_of(page) == "imported"
    assert reverse("comparisons:history", args=[midtre_gauldal.pk]) in page
    evaluation = Evaluation.objects.get(municipality=midtre_gauldal)
    assert evaluation.result_level == "subarea"
    batch = ImportBatch.objects.get()
    assert (batch.file_name, batch.sha256, batch.imported_by, batch.rows) == (
        "midtre-gauldal-2023.csv",
        sha256,
        importer,
        43,
    )
    run.refresh_from_db()
    assert (run.state, run.batch, run.done, run.total) == ("imported", batch, 1, 1)
    assert list(batch.evaluations.all()) == [evaluation]
    created = AuditEntry.objects.get(evaluation=evaluation, action="created")
    assert sha256 in created.note and "midtre-gauldal-2023.csv" in created.note
    assert created.user == importer
    assert not pending.waiting()  # the waiting file is gone
    # A second confirmation changes nothing.
    again = client.post(reverse("imports:confirm", args=[run.pk]), {"sha256": sha256})
    assert again.status_code == 302 and again.url == reverse("imports:run", args=[run.pk])
    assert Evaluation.objects.filter(municipality=midtre_gauldal).count() == 1


def test_a_confirmation_imports_exactly_the_previewed_bytes(
    client, world, midtre_gauldal, importer
):
    client.force_login(importer)
    run = run_of(upload(client, world))
    default_storage.delete(run.stored_name)  # changed in the storage
    default_storage.save(
        run.stored_name, ContentFile(EXAMPLE.read_bytes().replace(b"19,8", b"29,8"))
    )
    client.post(reverse("imports:confirm", args=[run.pk]), {"sha256": run.sha256})
    run.refresh_from_db()
    assert run.state == "failed"
    assert "changed since the preview" in run.error or "endret siden" in run.error
    page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert state_of(page) == "failed" and 'id="import-failed"' in page
    assert not Evaluation.objects.filter(municipality=midtre_gauldal).exists()
    assert not ImportBatch.objects.exists()
    assert not default_storage.exists(run.stored_name)


def test_a_confirmation_must_carry_the_previewed_checksum(client, world, midtre_gauldal, importer):
    client.force_login(importer)
    run = run_of(upload(client, world))
    refused = client.post(reverse("imports:confirm", args=[run.pk]), {"sha256": "0" * 64})
    assert refused.status_code == 302 and refused.url == reverse("imports:upload")
    run.refresh_from_db()
    assert run.state == "checked"
    assert not Evaluation.objects.filter(municipality=midtre_gauldal).exists()


def test_waiting_uploads_older_than_a_day_are_removed_on_the_next_upload(
    client, world, midtre_gauldal, importer, monkeypatch
):
    client.force_login(importer)
    old = default_storage.save(f"{pending.FOLDER}/old-upload-0123456789.upload", ContentFile(b"x"))
    fresh = default_storage.save(
        f"{pending.FOLDER}/fresh-upload-0123456789.upload", ContentFile(b"x")
    )
    day_ago = timezone.now() - datetime.timedelta(days=1, seconds=5)
    real = default_storage.get_modified_time
    monkeypatch.setattr(
        default_storage,
        "get_modified_time",
        lambda name: day_ago if name == old else real(name),
    )
    upload(client, world)
    assert not default_storage.exists(old) and default_storage.exists(fresh)


def test_a_file_with_errors_is_shown_and_cannot_be_confirmed(
    client, world, midtre_gauldal, importer
):
    client.force_login(importer)
    bad = b"kommunenummer;aar;kode;poeng\n5027;2023;1;500\n"
    response = upload(client, world, bad, "feil.csv")
    html = response.content.decode()
    assert state_of(html) == "refused" and run_of(response).state == "refused"
    assert "ingenting blir importert" in html and 'id="import-confirm"' not in html
    assert not pending.waiting()  # nothing kept
    refused = client.post(reverse("imports:confirm", args=[run_of(response).pk]), {})
    assert refused.status_code == 302 and refused.url == reverse("imports:upload")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"kommunenummer;\xe5r;kode;poeng\n5027;2023;1;\x81\n", "0x81"),
        (
            b"kommunenummer;kode;poeng\n5027;1;" + b"9" * (129 * 1024) + b"\n",
            "129",
        ),
        (b"PK\x03\x04 not a workbook", ".xlsx"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_message_on_the_form_not_an_error_page(
    client, world, midtre_gauldal, importer, content, expected
):
    client.force_login(importer)
    response = upload(client, world, content, "feil.csv")
    assert response.status_code == 200 and run_of(response).state == "refused"
    assert expected in response.content.decode()
    assert not Evaluation.objects.filter(municipality=midtre_gauldal).exists()


def test_many_errors_are_listed_up_to_the_limit_and_counted(
    client, world, midtre_gauldal, importer, settings
):
    settings.RESULT_IMPORT_LIMITS = {**settings.RESULT_IMPORT_LIMITS, "max_errors": 5}
    client.force_login(importer)
    bad = "kommunenummer;år;kode;poeng\n" + "".join(f"1234;2023;{a};5\n" for a in range(1, 9))
    response = upload(client, world, bad.encode(), "feil.csv")
    html = response.content.decode()
    assert state_of(html) == "refused" and html.count("1234") == 5
    assert 'id="more-errors"' in html and "3" in html.split('id="more-errors">')[1][:40]


def test_a_run_is_seen_by_its_uploader_and_site_administrators_only(
    client, world, midtre_gauldal, importer
):
    client.force_login(importer)
    run = run_of(upload(client, world))
    url = reverse("imports:run", args=[run.pk])
    client.force_login(grant_import(world.otto))  # another importer: not found
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("imports:confirm", args=[run.pk]), {"sha256": run.sha256}).status_code
        == 404
    )
    assert client.post(reverse("imports:try_again", args=[run.pk])).status_code == 404
    client.force_login(world.admin)
    assert client.get(url).status_code == 200
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    run.refresh_from_db()
    assert (
        run.state == "checked"
        and not Evaluation.objects.filter(municipality=midtre_gauldal).exists()
    )


@pytest.mark.parametrize("role", ["eva", "coordinator", "reader", "outsider"])
def test_only_those_with_the_import_permission_may_import(client, world, midtre_gauldal, role):
    # Evaluators (the demo's Evaluators group) do not have it by default.
    client.force_login(getattr(world, role))
    assert client.get(reverse("imports:upload")).status_code == 403
    assert upload(client, world).status_code == 403
    assert not ImportRun.objects.exists()
    run = ImportRun.objects.create(
        created_by=getattr(world, role), file_name="a.csv", sha256="0", framework=world.framework
    )
    for name in ("imports:confirm", "imports:try_again"):
        assert client.post(reverse(name, args=[run.pk])).status_code == 403
    assert client.get(reverse("imports:run", args=[run.pk])).status_code == 403
    assert client.get(reverse("imports:batches")).status_code == 403
    assert not Evaluation.objects.filter(municipality=midtre_gauldal).exists()


def test_a_site_administrator_may_import(client, world, midtre_gauldal):
    client.force_login(world.admin)
    assert upload(client, world).status_code == 200
    assert ImportRun.objects.get().state == "checked"


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    for name in ("imports:upload", "imports:batches"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def _import_as(user, name="a.csv"):
    from kommunekompass.imports.applying import import_results

    # A year of its own per importer (ids grow across tests on PostgreSQL: keep it in range).
    year = 2000 + user.pk % 100
    text = f"kommunenummer;år;kode;poeng\n5027;{year};total;600\n"
    outcome = import_results(
        text.encode(), name, default_framework=("kommunekompass", "2020"), user=user
    )
    assert outcome.written, outcome.plan.errors
    return ImportBatch.objects.get(pk=outcome.batch_id)


def test_an_importer_sees_their_imports_and_an_administrator_all(
    client, world, midtre_gauldal, importer, django_assert_max_num_queries
):
    other = grant_import(world.otto)
    mine, theirs = _import_as(importer, "mine.csv"), _import_as(other, "theirs.csv")
    client.force_login(importer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("imports:batches"))
    html = page.content.decode()
    assert page.status_code == 200 and "mine.csv" in html and "theirs.csv" not in html
    with django_assert_max_num_queries(12):
        detail = client.get(reverse("imports:batch", args=[mine.pk]))
    assert detail.status_code == 200 and mine.sha256 in detail.content.decode()
    assert "Midtre Gauldal kommune" in detail.content.decode()
    assert client.get(reverse("imports:batch", args=[theirs.pk])).status_code == 404
    client.force_login(world.admin)
    html = client.get(reverse("imports:batches")).content.decode()
    assert "mine.csv" in html and "theirs.csv" in html
    assert client.get(reverse("imports:batch", args=[theirs.pk])).status_code == 200


@pytest.mark.parametrize("role", ["eva", "coordinator", "reader", "outsider"])
def test_an_import_is_not_found_for_others(client, world, midtre_gauldal, role):
    batch = _import_as(grant_import(world.otto))
    client.force_login(getattr(world, role))
    assert client.get(reverse("imports:batch", args=[batch.pk])).status_code == 404


@pytest.mark.parametrize(
    "fields",
    [
        {"state": "imported", "plan": {}},  # imported without its import
        {"state": "checked"},  # checked without a plan
        {"state": "failed"},  # failed without the error
        {"state": "done"},  # no such state
        {"done": 2, "total": 1},
    ],
)
def test_the_database_refuses_a_run_in_an_impossible_state(world, fields):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ImportRun.objects.create(
            created_by=world.eva, file_name="a.csv", sha256="0", framework=world.framework, **fields
        )
