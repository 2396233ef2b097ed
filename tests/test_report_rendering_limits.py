"""Rendering a PDF is the costly thing a request can ask for, so it is rationed:

- an anonymous request never starts a rendering: a published version whose files are not
  stored (an imported or legacy one) answers 503 with Retry-After and a short page;
- a logged-in reader may have them rendered, once, under the version's row lock;
- a logged-in user renders one PDF at a time: a second request meanwhile answers 429;
- `kommunekompass render-published` renders what is missing, for operators after an import.

Renderings are counted by wrapping the real functions every PDF and every version's files go
through (`lib.pdf.html_to_pdf`, `evaluations.snapshots.render`, and the Word document's
`reports.published.render_docx_file`)."""

import http.client
import threading
import urllib.parse
from collections import Counter

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse

from kommunekompass.evaluations import snapshots
from kommunekompass.evaluations.models import Evaluation, PublishedVersion
from kommunekompass.lib import pdf
from kommunekompass.lib.concurrency import one_at_a_time
from kommunekompass.reports import published
from tests.conftest import shipped
from tests.factories import make_evaluation, make_municipality, make_user


class Renderings:
    """Counts calls of the real rendering functions (they still run)."""

    def __init__(self, monkeypatch):
        self.calls = Counter()
        self.lock = threading.Lock()
        wrapped = ((pdf, "html_to_pdf"), (snapshots, "render"), (published, "render_docx_file"))
        for owner, name in wrapped:
            monkeypatch.setattr(owner, name, self.counting(name, getattr(owner, name)))

    def counting(self, name, function):
        def wrapper(*args, **kwargs):
            with self.lock:
                self.calls[name] += 1
            return function(*args, **kwargs)

        return wrapper

    @property
    def pdfs(self) -> int:
        return self.calls["html_to_pdf"]

    @property
    def versions(self) -> int:
        return self.calls["render"]

    @property
    def docx(self) -> int:
        return self.calls["render_docx_file"]


@pytest.fixture
def renderings(monkeypatch):
    return Renderings(monkeypatch)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def legacy(world, media):
    """Fjordvik 2023, published before versions had files: version 1 without files."""
    version = PublishedVersion.objects.get(evaluation=world.published, number=1)
    assert not version.pdf and not version.xlsx
    world.version = version
    return world


def version_urls(pk):
    return [
        reverse("reports:pdf", args=[pk]),
        reverse("reports:xlsx", args=[pk]),
        reverse("reports:version_pdf", args=[pk, 1]),
        reverse("reports:version_xlsx", args=[pk, 1]),
    ]


def test_an_anonymous_request_for_a_file_not_stored_gets_503_and_renders_nothing(
    client, legacy, renderings
):
    w = legacy
    for url in version_urls(w.published.pk):
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
        response = client.get(url)
        assert response.status_code == 503, url
        assert response["Retry-After"] == "300"
        assert "The file is being prepared" in response.content.decode()
    assert (renderings.pdfs, renderings.versions) == (0, 0)
    w.version.refresh_from_db()
    assert not w.version.pdf and not w.version.xlsx


@pytest.mark.parametrize("who", ["outsider", "reader", "nordhei_reader", "eva", "admin"])
def test_a_logged_in_reader_has_the_missing_files_rendered_once(client, legacy, renderings, who):
    w = legacy
    client.force_login(getattr(w, who))
    response = client.get(reverse("reports:version_pdf", args=[w.published.pk, 1]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert (renderings.pdfs, renderings.versions) == (1, 1)
    w.version.refresh_from_db()
    stored = (w.version.pdf.name, w.version.xlsx.name)
    assert all(stored)
    # Stored now: anyone gets them, and nothing is rendered again.
    client.logout()
    for url in version_urls(w.published.pk):
        response = client.get(url)
        assert response.status_code == 200, url
        b"".join(response.streaming_content)
    assert (renderings.pdfs, renderings.versions) == (1, 1)
    w.version.refresh_from_db()
    assert (w.version.pdf.name, w.version.xlsx.name) == stored


def test_a_withdrawn_evaluations_files_are_not_found_for_strangers(client, legacy, renderings):
    w = legacy
    Evaluation.objects.filter(pk=w.published.pk).update(status="withdrawn")
    for user in (None, w.outsider, w.nordhei_reader):
        client.logout()
        if user:
            client.force_login(user)
        for url in version_urls(w.published.pk):
            assert client.get(url).status_code == 404, (user, url)
    assert renderings.pdfs == 0


def test_a_second_pdf_of_the_same_user_meanwhile_gets_429(client, world, media, renderings):
    w = world
    client.force_login(w.eva)
    url = reverse("reports:pdf", args=[w.draft.pk])
    with one_at_a_time(f"rendering:user:{w.eva.pk}"):  # as a first request still rendering
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
        response = client.get(url)
        assert response.status_code == 429
        assert "still being made" in response.content.decode()
        # Another user is not held up, and the workbook needs no slot.
        assert client.get(reverse("reports:xlsx", args=[w.draft.pk])).status_code == 200
        other = make_user("second", evaluator=True)
        w.draft.evaluators.add(other)
        client.force_login(other)
        assert client.get(url).status_code == 200
    assert renderings.pdfs == 1
    client.force_login(w.eva)
    assert client.get(url).status_code == 200  # the slot is free again
    assert client.get(url).status_code == 200
    assert renderings.pdfs == 3


def test_the_slot_is_freed_when_a_rendering_fails(client, world, media, monkeypatch):
    w = world
    client.force_login(w.eva)
    client.raise_request_exception = False

    def broken(html):
        raise RuntimeError("WeasyPrint fell over")

    monkeypatch.setattr(pdf, "html_to_pdf", broken)
    assert client.get(reverse("reports:pdf", args=[w.draft.pk])).status_code == 500
    monkeypatch.undo()
    assert client.get(reverse("reports:pdf", args=[w.draft.pk])).status_code == 200


def test_drafts_render_for_their_own_people_only(client, world, media, renderings):
    w = world
    for user in (None, w.reader, w.outsider, w.otto, w.nordhei_reader):
        client.logout()
        if user:
            client.force_login(user)
        assert client.get(reverse("reports:pdf", args=[w.draft.pk])).status_code == 404
    assert renderings.pdfs == 0


def test_render_published_renders_what_is_missing(legacy, renderings, capsys, monkeypatch):
    w = legacy
    other = make_evaluation(w.nordhei, w.framework, status="published", year=2023)
    call_command("render-published")
    assert "2 publiserte versjoner laget." in capsys.readouterr().out
    assert (renderings.versions, renderings.docx) == (2, 2)
    for version in PublishedVersion.objects.all():
        assert published.is_stored(version) and published.is_docx_stored(version)
    call_command("render-published", "--missing")
    assert "0 publiserte versjoner laget." in capsys.readouterr().out
    assert (renderings.versions, renderings.docx) == (2, 2)

    # A Word document gone: --missing renders it alone.
    version = PublishedVersion.objects.get(evaluation=other)
    default_storage.delete(published.docx_path(version))
    call_command("render-published", "--missing")
    assert "1 publisert versjon laget." in capsys.readouterr().out
    assert (renderings.versions, renderings.docx) == (2, 3)
    assert published.is_docx_stored(version)

    # --all renders the Word document anew too, replacing it under the same name.
    old_pdf = version.pdf.name
    docx_path = published.docx_path(version)
    default_storage.delete(docx_path)
    default_storage.save(docx_path, ContentFile(b"an old Word document"))
    call_command("render-published", "--all", str(other.pk))
    assert "1 publisert versjon laget." in capsys.readouterr().out
    assert (renderings.versions, renderings.docx) == (3, 4)
    version.refresh_from_db()
    assert version.pdf.name != old_pdf and published.is_stored(version)
    assert not version.pdf.storage.exists(old_pdf)  # the replaced file is removed
    with default_storage.open(docx_path, "rb") as docx:
        assert docx.read(2) == b"PK"  # a Word document (a zip file), not the old bytes
    folder, name = docx_path.rsplit("/", 1)
    assert [f for f in default_storage.listdir(folder)[1] if f.endswith(".docx")] == [name]

    # A Word document that fails to render: the stored one stays; a missing one is named.
    def broken(version):
        raise RuntimeError("the Word renderer broke")

    monkeypatch.setattr(published, "render_docx_file", broken)
    with default_storage.open(docx_path, "rb") as docx:
        before = docx.read()
    with pytest.raises(RuntimeError):
        published.store_docx(version, again=True)
    with default_storage.open(docx_path, "rb") as docx:
        assert docx.read() == before
    default_storage.delete(docx_path)
    with pytest.raises(CommandError, match=f"evaluering {other.pk} versjon 1"):
        call_command("render-published", "--missing")
    assert renderings.versions == 3
    with pytest.raises(CommandError, match="Ingen publisert versjon av evaluering"):
        call_command("render-published", str(w.draft.pk))


# --- Twenty anonymous downloads at once, against the running server ----------------------------


def get(live_server, path, cookie=None):
    url = urllib.parse.urlsplit(live_server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_twenty_anonymous_downloads_at_once_render_nothing(
    live_server, settings, tmp_path, renderings, client
):
    settings.MEDIA_ROOT = tmp_path
    framework = shipped("kommunekompass")
    stored = make_evaluation(make_municipality(), framework, status="published", year=2023)
    missing = make_evaluation(
        make_municipality("Nordhei kommune", "9902"), framework, status="published", year=2023
    )
    stored_version = PublishedVersion.objects.get(evaluation=stored)
    published.store_missing(stored_version)
    stored_pdf = stored_version.pdf.open("rb").read()
    assert (renderings.pdfs, renderings.versions) == (1, 1)
    admin = make_user("admin", superuser=True)
    client.force_login(admin)
    cookie = f"{django_settings.SESSION_COOKIE_NAME}={client.cookies['sessionid'].value}"

    paths = [reverse("reports:pdf", args=[(stored if i % 2 else missing).pk]) for i in range(20)]
    barrier = threading.Barrier(len(paths) + 1)
    answers = [None] * len(paths)

    def download(index):
        barrier.wait()
        answers[index] = get(live_server, paths[index])

    threads = [threading.Thread(target=download, args=(i,)) for i in range(len(paths))]
    for thread in threads:
        thread.start()
    barrier.wait()
    page_status, page = get(live_server, reverse("evaluations:list"), cookie)
    for thread in threads:
        thread.join(120)

    assert page_status == 200 and b"Nordhei" in page  # a logged-in page answers meanwhile
    for path, (status, body) in zip(paths, answers, strict=True):
        if path == reverse("reports:pdf", args=[stored.pk]):
            assert (status, body) == (200, stored_pdf)
        else:
            assert status == 503, status
    assert (renderings.pdfs, renderings.versions) == (1, 1)  # none started by the downloads
    assert not PublishedVersion.objects.get(evaluation=missing).pdf
