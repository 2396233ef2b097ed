"""Published means kept: the published report is its frozen version, for anyone, and does not
change when the data around it does; each version keeps its address; drafts stay private."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from kommunekompass.evaluations.models import Evaluation, Finding, Priority, Score
from kommunekompass.evaluations.services.workflow import change_status
from kommunekompass.frameworks.loader import FrameworkConflict, load_framework_text
from kommunekompass.frameworks.models import FocusArea, Framework
from kommunekompass.improvement.models import Indicator, Measurement, Programme, Project
from kommunekompass.reports import published as published_files
from kommunekompass.reports.data import build_report
from tests.factories import make_evaluation, make_municipality, make_user
from tests.test_snapshot import add_scores, publish


def all_levels(evaluation, level: int, count: int | None = None) -> dict:
    questions = evaluation.framework.spec.questions
    return {
        q.code: {d.code: level for d in q.scheme.dimensions} for q in questions[: count or None]
    }


def public_project(**fields) -> Project:
    """A project the report's loop shows (the improvement app may mark projects public)."""
    if any(f.name == "public" for f in Project._meta.get_fields()):
        fields["public"] = True
    return Project.objects.create(**fields)


@pytest.fixture
def published(world, settings, tmp_path):
    """Fjordvik 2026 (world.draft) with scores, findings, a priority and a project with an
    indicator, published through the workflow by two evaluators: version 1. Its files go to a
    folder of its own: ids come round again as each test's data rolls back, and a file that an
    earlier test stored under the same id must not be taken for this version's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    w = world
    w.second = make_user("second", evaluator=True)
    w.draft.evaluators.add(w.second)
    w.nordhei_draft.evaluators.add(w.second)
    add_scores(w.draft, all_levels(w.draft, 2, 70))
    area = FocusArea.objects.get(framework=w.framework, code="8")
    Finding.objects.create(evaluation=w.draft, focus_area=area, kind="weakness", text="Sykefravær")
    Priority.objects.create(evaluation=w.draft, text="Redusere sykefraværet", position=1)
    programme = Programme.objects.create(municipality=w.fjordvik)
    w.project = public_project(
        programme=programme, title="Nærvær i hjemmetjenesten", status="running", evaluation=w.draft
    )
    w.project.focus_areas.add(area)
    w.indicator = Indicator.objects.create(
        project=w.project,
        kind="sick_leave",
        name="Sykefravær",
        unit="%",
        higher_is_better=False,
        baseline=Decimal("7.8"),
        target=Decimal("6.5"),
    )
    Measurement.objects.create(
        indicator=w.indicator, period_end=datetime.date(2026, 3, 31), value=Decimal("7.4")
    )
    w.version = publish(w.draft, w.eva, w.second)
    w.evaluation = Evaluation.objects.get(pk=w.draft.pk)
    return w


def body(response) -> str:
    """The report itself, without the page around it (notices, versions list)."""
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    return html[html.index('<article class="report card">') : html.index("</article>")]


def pdf_text(content: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def xlsx_values(content: bytes) -> dict:
    workbook = load_workbook(io.BytesIO(content))
    return {name: list(workbook[name].iter_rows(values_only=True)) for name in workbook.sheetnames}


def download(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return b"".join(response.streaming_content)


def forget_rendered(version) -> None:
    """Drop the cached body and the stored files, so the next request renders from the snapshot."""
    cache.clear()
    version.refresh_from_db()
    for field in (version.pdf, version.xlsx):
        if field:
            field.delete(save=False)
    type(version).objects.filter(pk=version.pk).update(pdf="", xlsx="")


def test_the_published_report_does_not_change_when_the_world_around_it_does(client, published):
    w = published
    client.force_login(w.outsider)  # a logged-in reader may have missing files rendered
    url = reverse("reports:report", args=[w.evaluation.pk])
    first_page = body(client.get(url))
    assert "Nærvær i hjemmetjenesten" in first_page and "7,4" in first_page
    pdf_url = reverse("reports:pdf", args=[w.evaluation.pk])
    xlsx_url = reverse("reports:xlsx", args=[w.evaluation.pk])
    first_pdf, first_xlsx = (
        pdf_text(download(client, pdf_url)),
        xlsx_values(download(client, xlsx_url)),
    )
    live_before = build_report(w.evaluation)

    # 1. A measurement on the project's indicator, and the project changed.
    Measurement.objects.create(
        indicator=w.indicator, period_end=datetime.date(2026, 9, 30), value=Decimal("6.1")
    )
    Project.objects.filter(pk=w.project.pk).update(title="Nytt navn", status="finished")
    # 2. Another municipality published with higher figures: averages and rank change live.
    add_scores(w.nordhei_draft, all_levels(w.nordhei_draft, 3))
    publish(w.nordhei_draft, w.otto, w.second)
    # 3. The framework's texts changed: refused under the loaded version, loaded as a new one.
    framework = Framework.objects.get(pk=w.framework.pk)
    renamed = framework.source.replace(framework.spec.areas[0].name["nb"], "Omdøpt område")
    with pytest.raises(FrameworkConflict):
        load_framework_text(renamed)
    load_framework_text(renamed.replace('version: "2020"', 'version: "2021"', 1))
    # 4. Reopened and edited.
    change_status(w.evaluation, "reopen", w.eva, "Rettelse av poeng")
    Score.objects.filter(evaluation=w.evaluation).update(levels={"system": 0})
    w.evaluation.revision += 1
    w.evaluation.save(update_fields=["revision"])

    live_after = build_report(Evaluation.objects.get(pk=w.evaluation.pk))
    assert live_after.standing.rank != live_before.standing.rank  # the live figures moved
    assert live_after.group_average_total != live_before.group_average_total

    forget_rendered(w.version)
    page = client.get(url)
    assert body(page) == first_page
    assert "En revisjon" in page.content.decode() or "A revision" in page.content.decode()
    assert "Omdøpt område" not in page.content.decode()
    assert pdf_text(download(client, pdf_url)) == first_pdf
    assert xlsx_values(download(client, xlsx_url)) == first_xlsx


def test_a_revision_keeps_version_1_public_until_version_2(client, published):
    w = published
    evaluation = w.evaluation
    url = reverse("reports:report", args=[evaluation.pk])
    version_1 = body(client.get(url))
    change_status(evaluation, "reopen", w.eva, "Nye intervjuer")
    Score.objects.filter(evaluation=evaluation).update(
        levels={"system": 3, "scope": 3, "result": 3}
    )
    evaluation.revision += 1
    evaluation.save(update_fields=["revision"])

    page = client.get(url).content.decode()
    assert "version 1" in page.lower() or "versjon 1" in page.lower()
    assert 'class="revision-notice"' in page and "UTKAST" not in page
    assert body(client.get(url)) == version_1

    publish(evaluation, w.eva, w.second, "Nye intervjuer")
    evaluation.refresh_from_db()
    assert evaluation.published_version == 2
    latest = client.get(url)
    assert body(latest) != version_1
    html = latest.content.decode()
    assert 'class="revision-notice"' not in html
    for number in (1, 2):
        assert reverse("reports:version", args=[evaluation.pk, number]) in html
    assert "Nye intervjuer" in html  # the reason of version 2
    old = client.get(reverse("reports:version", args=[evaluation.pk, 1]))
    assert body(old) == version_1
    assert reverse("reports:report", args=[evaluation.pk]) in old.content.decode()
    assert 'class="notice version-notice"' in old.content.decode()
    assert client.get(reverse("reports:version", args=[evaluation.pk, 3])).status_code == 404
    changes = evaluation.versions.get(number=2).changes
    assert changes[0]["code"] == "total"


def test_version_files_are_served_with_their_names_and_rendered_once(
    client, published, django_capture_on_commit_callbacks
):
    w = published
    version = w.version
    assert not version.pdf  # on_commit did not run inside the test's transaction
    client.force_login(w.outsider)  # a logged-in reader may have missing files rendered
    response = client.get(reverse("reports:version_xlsx", args=[w.evaluation.pk, 1]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="fjordvik-kommune-2026-v1.xlsx"' in response["Content-Disposition"]
    b"".join(response.streaming_content)
    version.refresh_from_db()
    stored_pdf, stored_xlsx = version.pdf.name, version.xlsx.name
    assert stored_pdf.endswith(".pdf") and stored_xlsx.endswith(".xlsx")
    pdf = client.get(reverse("reports:version_pdf", args=[w.evaluation.pk, 1]))
    assert pdf["Content-Type"] == "application/pdf"
    assert 'filename="fjordvik-kommune-2026-v1.pdf"' in pdf["Content-Disposition"]
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    version.refresh_from_db()
    assert (version.pdf.name, version.xlsx.name) == (stored_pdf, stored_xlsx)  # not again


def test_a_never_published_draft_is_live_for_its_team_only(client, world):
    w = world
    url = reverse("reports:report", args=[w.draft.pk])
    for user in (None, w.reader, w.nordhei_reader, w.outsider, w.otto):
        client.logout()
        if user:
            client.force_login(user)
        assert client.get(url).status_code == 404, user
        assert client.get(reverse("reports:pdf", args=[w.draft.pk])).status_code == 404
        assert client.get(reverse("reports:version", args=[w.draft.pk, 1])).status_code == 404
    for user in (w.eva, w.coordinator, w.admin):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "UTKAST" in page, user
    xlsx = client.get(reverse("reports:xlsx", args=[w.draft.pk]))
    assert 'filename="fjordvik-kommune-2026-utkast.xlsx"' in xlsx["Content-Disposition"]


@pytest.mark.parametrize(
    "who, status",
    [
        (None, 404),
        ("nordhei_reader", 404),
        ("reader", 404),
        ("outsider", 404),
        ("otto", 404),  # an evaluator not on the team
        ("coordinator", 200),
        ("eva", 200),
        ("admin", 200),
    ],
)
def test_compare_with_today_is_for_those_who_work_on_the_evaluation(client, published, who, status):
    w = published
    if who:
        client.force_login(getattr(w, who))
    response = client.get(reverse("reports:today", args=[w.evaluation.pk]))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert 'class="live-notice"' in page
        assert "version 1" in page.lower() or "versjon 1" in page.lower()


@pytest.mark.parametrize(
    "who", [None, "nordhei_reader", "reader", "outsider", "otto", "coordinator", "eva"]
)
def test_the_published_version_is_public(client, published, who):
    w = published
    if who:
        client.force_login(getattr(w, who))
    for name, args in (
        ("reports:report", [w.evaluation.pk]),
        ("reports:version", [w.evaluation.pk, 1]),
    ):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200
        assert "UTKAST" not in response.content.decode()
    compare = reverse("reports:today", args=[w.evaluation.pk])
    assert (
        compare in client.get(reverse("reports:report", args=[w.evaluation.pk])).content.decode()
    ) == (who in ("coordinator", "eva"))


def test_a_withdrawn_evaluation_is_not_public(client, published):
    w = published
    url = reverse("reports:report", args=[w.evaluation.pk])
    assert client.get(url).status_code == 200  # the public state is now remembered
    change_status(w.evaluation, "withdraw", w.eva, "Feil kommune")
    for name, args in (
        ("reports:report", [w.evaluation.pk]),
        ("reports:version", [w.evaluation.pk, 1]),
        ("reports:version_pdf", [w.evaluation.pk, 1]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404


def test_the_published_page_is_cheap(client, published, django_assert_max_num_queries):
    w = published
    url = reverse("reports:report", args=[w.evaluation.pk])
    client.get(url)  # renders the page once and caches it
    with django_assert_max_num_queries(1):  # at most the evaluation's state (remembered 2 s)
        page = client.get(url).content.decode()
    assert "csrfmiddlewaretoken" not in page  # the same bytes for every visitor
    published_files.store_missing(w.version)  # as the workflow does after its commit
    for name in ("reports:pdf", "reports:xlsx"):
        b"".join(client.get(reverse(name, args=[w.evaluation.pk])).streaming_content)
        with django_assert_max_num_queries(1):
            response = client.get(reverse(name, args=[w.evaluation.pk]))
        assert b"".join(response.streaming_content)[:2] in (b"%P", b"PK")
    client.force_login(w.reader)
    client.get(url)
    with django_assert_max_num_queries(6):
        client.get(url)


def test_legacy_published_evaluations_are_frozen_by_the_command(world, client, capsys):
    legacy = make_evaluation(make_municipality("Gammelby kommune", "9977"), world.framework)
    Evaluation.objects.filter(pk=legacy.pk).update(status="published")
    # Without its frozen version a published row is not public: there is nothing to serve.
    assert not Evaluation.objects.public().filter(pk=legacy.pk).exists()
    assert not Evaluation.objects.get(pk=legacy.pk).is_public
    assert client.get(reverse("reports:report", args=[legacy.pk])).status_code == 404
    out = io.StringIO()
    call_command("freeze-published", stdout=out)
    legacy.refresh_from_db()
    assert legacy.published_version == 1 and legacy.versions.get().number == 1
    assert Evaluation.objects.public().filter(pk=legacy.pk).exists() and legacy.is_public
    assert client.get(reverse("reports:report", args=[legacy.pk])).status_code == 200
    assert "1 publisert evaluering frosset som versjon 1." in out.getvalue()  # bokmål by default
    assert "Fryser: 100%" in capsys.readouterr().err
    call_command("freeze-published", stdout=out)  # nothing more to do
    assert legacy.versions.count() == 1


def test_the_report_command_freezes_and_renders_the_published_version(world, tmp_path):
    legacy = make_evaluation(make_municipality("Gammelby kommune", "9977"), world.framework)
    Evaluation.objects.filter(pk=legacy.pk).update(status="published")
    call_command(
        "report",
        str(legacy.pk),
        "--format",
        "html",
        "-o",
        str(tmp_path / "r.html"),
        stdout=io.StringIO(),
    )
    legacy.refresh_from_db()
    assert legacy.published_version == 1
    html = (tmp_path / "r.html").read_text()
    assert re.search(r"Versjon 1|Version 1", html)
