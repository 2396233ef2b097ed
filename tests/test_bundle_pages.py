"""The bundle pages: "Export bundle" on an evaluation's overview for its team, the
municipality's coordinators and site administrators; the upload page for site administrators
only (a bundle is not signed). Everyone else gets 404."""

import io
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from kommunekompass.bundles import jobs as bundle_jobs
from kommunekompass.bundles.exporting import export_evaluation
from kommunekompass.bundles.models import BundleImport
from kommunekompass.evaluations.models import AuditEntry, Evaluation
from kommunekompass.imports import pending
from tests.factories import make_user

QUERIES = 29  # the draft's overview for its team, with the daily edits' checks; the link adds none


@pytest.fixture(autouse=True)
def language_afterwards():
    """The English pages here leave English active in this thread; the tests after expect the
    default language."""
    yield
    translation.deactivate()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize("who", ["eva", "coordinator", "admin"])
def test_the_team_coordinators_and_admins_download_the_bundle(world, media, client_factory, who):
    client = client_factory(getattr(world, who))
    response = client.get(reverse("bundles:export", args=[world.draft.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "kommunekompass-9901-2026-kommunekompass" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
        assert "manifest.json" in bundle.namelist()


@pytest.mark.parametrize("who", ["reader", "otto", "outsider", "nordhei_reader", "rita"])
def test_others_get_not_found_for_the_bundle(world, media, client_factory, who):
    world.rita = make_user("rita")
    world.draft.reviewers.add(world.rita)  # a named reviewer reads, but takes no bundle
    client = client_factory(getattr(world, who))
    assert client.get(reverse("bundles:export", args=[world.published.pk])).status_code == 404
    assert client.get(reverse("bundles:export", args=[world.draft.pk])).status_code == 404


def test_the_anonymous_are_sent_to_log_in(world, client):
    response = client.get(reverse("bundles:export", args=[world.draft.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.get(reverse("bundles:import"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_overview_offers_the_export_to_those_who_may(world, client_factory):
    url = reverse("evaluations:detail", args=[world.draft.pk])
    export = reverse("bundles:export", args=[world.draft.pk])
    assert export in english(client_factory(world.eva)).get(url).content.decode()
    world.rita = make_user("rita")
    world.draft.reviewers.add(world.rita)
    assert export not in client_factory(world.rita).get(url).content.decode()


def test_the_overview_with_its_export_link_stays_within_its_queries(
    world, client_factory, django_assert_max_num_queries
):
    # The overview's evaluation carries the user's roles already: the link costs no query.
    client = client_factory(world.eva)
    url = reverse("evaluations:detail", args=[world.draft.pk])
    client.get(url)
    with django_assert_max_num_queries(QUERIES):
        client.get(url)


@pytest.mark.parametrize("who", ["admin"])
def test_admins_see_the_upload_page(world, client_factory, who):
    response = english(client_factory(getattr(world, who))).get(reverse("bundles:import"))
    assert response.status_code == 200
    assert "Import evaluation bundle" in response.content.decode()
    listing = english(client_factory(getattr(world, who))).get(reverse("evaluations:list"))
    assert reverse("bundles:import") in listing.content.decode()


@pytest.mark.parametrize("who", ["eva", "reader", "outsider", "coordinator"])
def test_others_get_not_found_for_the_upload_page(world, client_factory, who):
    client = client_factory(getattr(world, who))
    assert client.get(reverse("bundles:import")).status_code == 404
    assert client.post(reverse("bundles:import")).status_code == 404
    listing = client.get(reverse("evaluations:list"))
    assert reverse("bundles:import") not in listing.content.decode()


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("bundle.zip", content, "application/zip")


def test_an_admin_imports_a_bundle_into_another_municipality(world, media, client_factory):
    content = export_evaluation(world.published)
    client = english(client_factory(world.admin))
    response = client.post(
        reverse("bundles:import"),
        {"file": upload(content), "municipality": world.nordhei.pk},
    )
    # The import is a job (run at once here): the upload's page shows how it went.
    run = BundleImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "bundles:run", args=[run.pk]
    )
    imported = Evaluation.objects.get(municipality=world.nordhei, year=2023)
    assert (run.state, run.evaluation, run.created_by) == ("imported", imported, world.admin)
    page = client.get(response["Location"]).content.decode()
    assert 'data-state="imported"' in page and "hx-trigger" not in page
    assert reverse("evaluations:detail", args=[imported.pk]) in page
    assert not pending.waiting()  # the kept bundle is gone
    assert imported.evaluators.get() == world.eva
    entry = imported.audit.get(action=AuditEntry.Action.IMPORTED)
    assert entry.user == world.admin
    history = client.get(reverse("evaluations:history", args=[imported.pk])).content.decode()
    assert "Imported from bundle" in history
    # A second run of the job imports nothing more.
    assert bundle_jobs.import_uploaded_bundle.enqueue(run.pk).return_value == "not waiting"
    assert Evaluation.objects.filter(municipality=world.nordhei, year=2023).count() == 1


def test_the_upload_page_shows_the_validation_error(world, media, client_factory):
    content = export_evaluation(world.draft)  # Fjordvik 2026 exists: refused
    client = english(client_factory(world.admin))
    before = Evaluation.objects.count()
    response = client.post(reverse("bundles:import"), {"file": upload(content)}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-state="refused"' in html
    assert "already has an evaluation of 2026" in html
    response = client.post(reverse("bundles:import"), {"file": upload(content[:100])}, follow=True)
    assert "damaged or cut short" in response.content.decode()
    assert Evaluation.objects.count() == before
    assert list(BundleImport.objects.values_list("state", flat=True)) == ["refused"] * 2


def test_a_failing_job_shows_its_error(world, media, client_factory, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("The checker is broken")

    monkeypatch.setattr(bundle_jobs, "check_bundle", broken)
    client = english(client_factory(world.admin))
    content = export_evaluation(world.published)
    page = client.post(reverse("bundles:import"), {"file": upload(content)}, follow=True)
    html = page.content.decode()
    assert 'data-state="failed"' in html and "RuntimeError: The checker is broken" in html
    assert BundleImport.objects.get().state == "failed"


@pytest.mark.parametrize("who", ["eva", "coordinator", "outsider"])
def test_an_uploaded_bundle_is_not_found_for_others(world, media, client_factory, who, client):
    run = BundleImport.objects.create(
        created_by=world.admin,
        file_name="b.zip",
        stored_name="x",
        sha256="0",
        state="refused",
        error="x",
    )
    url = reverse("bundles:run", args=[run.pk])
    assert client_factory(getattr(world, who)).get(url).status_code == 404
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_missing_stored_file_is_said_not_served_broken(world, media, client_factory):
    from kommunekompass.evaluations.models import Evidence

    Evidence.objects.create(evaluation=world.draft, title="Plan", file="evidence/gone.pdf")
    client = english(client_factory(world.eva))
    response = client.get(reverse("bundles:export", args=[world.draft.pk]), follow=True)
    assert response.redirect_chain[0][0] == reverse("evaluations:detail", args=[world.draft.pk])
    assert "evidence/gone.pdf cannot be read" in response.content.decode()
