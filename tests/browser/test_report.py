"""An anonymous visitor reads a published report and downloads its PDF."""

import io

from playwright.sync_api import expect
from pypdf import PdfReader

from kommunekompass.evaluations.models import Finding, Score
from kommunekompass.frameworks.models import FocusArea


def test_an_anonymous_visitor_reads_the_published_report_and_downloads_the_pdf(
    page, live_server, world
):
    evaluation = world.published
    Score.objects.create(
        evaluation=evaluation,
        question=world.framework.questions.get(code="1.4.1"),
        levels={"system": 3, "scope": 3, "result": 3},
        reason="Resultatene publiseres åpent.",
    )
    Finding.objects.create(
        evaluation=evaluation,
        focus_area=FocusArea.objects.get(framework=world.framework, code="1"),
        kind="strength",
        text="Åpne resultater på nett.",
    )
    # Its files stored, as publishing (or `kommunekompass render-published`) does: an anonymous
    # request never renders them.
    from kommunekompass.reports.published import store_missing

    store_missing(evaluation.versions.get(number=1))
    page.goto(f"{live_server.url}/reports/{evaluation.pk}/")
    expect(page.locator(".report h1")).to_have_text("Fjordvik kommune 2023")
    expect(page.locator(".report .total-line")).to_contain_text("10 av 800 poeng")
    expect(page.locator("#area-1")).to_contain_text("Åpne resultater på nett.")
    expect(page.locator("#comparison svg").first).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("UTKAST")

    with page.expect_download() as download_info:
        page.click("text=Last ned PDF")
    download = download_info.value
    assert download.suggested_filename == "fjordvik-kommune-2023.pdf"
    pdf = PdfReader(io.BytesIO(open(download.path(), "rb").read()))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert "Fjordvik kommune 2023" in text and "10 av 800 poeng" in text
    assert "Åpne resultater på nett." in text


def test_an_anonymous_visitor_cannot_open_a_draft_report(page, live_server, world):
    response = page.goto(f"{live_server.url}/reports/{world.draft.pk}/")
    assert response.status == 404
    response = page.goto(f"{live_server.url}/reports/{world.draft.pk}/pdf/")
    assert response.status == 404
