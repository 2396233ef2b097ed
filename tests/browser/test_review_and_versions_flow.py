"""Issue 10's flow in Chromium: four eyes before publishing, and versions that stay readable.

The evaluator sends the evaluation to review; a second person comments on a question; the
evaluator answers; the second person approves and publishes; an anonymous visitor downloads the
PDF; the evaluation is reopened and the visitor still gets version 1 with a notice; version 2 is
published and both versions are listed, each at its own address.
"""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from kommunekompass.evaluations.models import Evaluation, PublishedVersion, ReviewComment
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_user


def new_page(browser, live_server, username=None):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    if username:
        log_in(page, live_server, username, PASSWORD)
    return page


def test_four_eyes_then_versions_that_stay_readable(page, browser, live_server, world):
    w = world
    rita = make_user("rita", evaluator=True)
    w.draft.reviewers.add(rita)
    overview = f"{live_server.url}/evaluations/{w.draft.pk}/"

    # 1. Eva sends the evaluation to review.
    log_in(page, live_server, "eva", PASSWORD)
    page.goto(overview)
    page.locator("#status-form button[value=submit]").click()
    expect(page.locator("#review-state")).to_contain_text("Eva")
    assert Evaluation.objects.get(pk=w.draft.pk).status == "in_review"
    # Eva may not approve her own work: no publish button for her.
    expect(page.locator("#status-form button[value=publish]")).to_have_count(0)

    # 2. Rita, the reviewer, comments on question 1.1.1 on the scoring page.
    reviewer = new_page(browser, live_server, "rita")
    reviewer.goto(f"{overview}areas/1/")
    comments = reviewer.locator("#comments-q-1-1-1")
    comments.locator("textarea[name=text]").fill("Hvilke dokumenter bygger nivået på?")
    comments.locator("form.comment-form button").click()
    expect(comments).to_contain_text("Hvilke dokumenter bygger nivået på?")
    comment = ReviewComment.objects.get(evaluation=w.draft)

    # Approval is refused while the comment is open.
    reviewer.goto(overview)
    reviewer.locator("#status-form input[name=confirm_missing]").check()
    reviewer.locator("#status-form button[value=publish]").click()
    expect(reviewer.locator(".messages, .message, [role=alert]").first).to_be_visible()
    assert Evaluation.objects.get(pk=w.draft.pk).status == "in_review"

    # 3. Eva answers the comment on the review page.
    page.goto(f"{overview}review/")
    row = page.locator(f"#comment-{comment.pk}")
    row.locator("textarea[name=answer]").fill("Delegeringsreglementet og årsrapporten 2025.")
    row.locator("form.answer-form button").click()
    expect(page.locator(f"#comment-{comment.pk}")).to_have_class(re.compile("state-answered"))

    # 4. Rita approves and publishes (unscored questions named as missing).
    reviewer.goto(overview)
    reviewer.locator("#status-form input[name=confirm_missing]").check()
    reviewer.locator("#status-form button[value=publish]").click()
    expect(reviewer.locator("#status-form button[value=publish]")).to_have_count(0)
    evaluation = Evaluation.objects.get(pk=w.draft.pk)
    assert evaluation.status == "published" and evaluation.published_version == 1
    version = PublishedVersion.objects.get(evaluation=evaluation, number=1)
    assert version.submitted_by_name == "Eva" and version.approved_by_name == "Rita"

    # 5. An anonymous visitor reads the report and downloads the PDF of version 1.
    visitor = new_page(browser, live_server)
    report = f"{live_server.url}/reports/{evaluation.pk}/"
    visitor.goto(report)
    expect(visitor.locator("#versions")).to_contain_text("Versjon 1")
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="Last ned PDF").click()
    pdf = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
    first_pdf_text = "".join(p.extract_text() for p in pdf.pages)
    assert "Fjordvik" in first_pdf_text

    # 6. Eva reopens with a reason; the visitor still gets version 1, with a notice.
    page.goto(overview)
    page.locator("#reopen-note").fill("Rettet poeng etter innspill fra tillitsvalgte")
    page.locator("#status-form button[value=reopen]").click()
    expect(page.locator("#status-form button[value=submit]")).to_be_visible()
    visitor.goto(report)
    expect(visitor.locator(".revision-notice")).to_contain_text("versjon 1")
    expect(visitor.locator("#versions li")).to_have_count(1)

    # 7. Eva sends it again and Rita publishes version 2; both versions are listed.
    page.locator("#status-form button[value=submit]").click()
    expect(page.locator("#review-state")).to_be_visible()
    reviewer.goto(overview)
    reviewer.locator("#status-form input[name=confirm_missing]").check()
    reviewer.locator("#status-form button[value=publish]").click()
    expect(reviewer.locator("#status-form button[value=publish]")).to_have_count(0)
    assert Evaluation.objects.get(pk=evaluation.pk).published_version == 2

    visitor.goto(report)
    expect(visitor.locator(".revision-notice")).to_have_count(0)
    expect(visitor.locator("#versions li")).to_have_count(2)
    expect(visitor.locator("#versions")).to_contain_text("Rettet poeng etter innspill")
    visitor.locator("#versions").get_by_role("link", name="Versjon 1").click()
    expect(visitor).to_have_url(re.compile(rf"/reports/{evaluation.pk}/v/1/$"))
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="Last ned PDF").click()
    again = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
    assert "".join(p.extract_text() for p in again.pages) == first_pdf_text
