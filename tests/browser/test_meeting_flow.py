"""The council votes on the way forward: the coordinator opens a meeting from the published
evaluation, ten councillors join on their phones (ten browser contexts at phone width) with the
code and vote, the big screen's counts follow by polling, closing makes the ranking the way
forward, and a project is started from its first priority with the finding attached."""

from django.conf import settings
from playwright.sync_api import expect

from kommunekompass.evaluations.models import Finding
from kommunekompass.frameworks.models import FocusArea
from kommunekompass.improvement.models import Project
from kommunekompass.meetings.models import Meeting, Voice
from tests.browser.conftest import log_in
from tests.factories import PASSWORD

# Each councillor's choices, as indexes into the meeting's list of three findings.
BALLOTS = [(0, 1), (0,), (0, 2), (1,), (0, 1, 2), (2,), (0,), (1, 2), (0,), (1,)]


def english(context, live_server):
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )


def test_ten_councillors_vote_and_the_way_forward_starts_a_project(
    page, browser, live_server, world
):
    area = FocusArea.objects.get(framework=world.framework, code="8")
    for kind, text in [
        ("weakness", "For høyt sykefravær"),
        ("challenge", "Lite brukermedvirkning"),
        ("challenge", "Svak oppfølging av avvik"),
    ]:
        Finding.objects.create(evaluation=world.published, focus_area=area, kind=kind, text=text)
    english(page.context, live_server)
    log_in(page, live_server, "coordinator", PASSWORD)
    page.goto(f"{live_server.url}/evaluations/{world.published.pk}/way-forward/")
    page.click("#council-meetings a.button")
    page.check("input[name=subject][value=findings]")
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("the council votes")
    code = page.locator(".meeting-code").inner_text().strip()
    meeting = Meeting.objects.get(code=code)
    rows = [f"#option-{o.pk}" for o in meeting.options.order_by("position")]
    texts = [o.text for o in meeting.options.order_by("position")]

    # Ten phones, each its own browser context, all open at once.
    phones = []
    for _ in BALLOTS:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        english(context, live_server)
        phone = context.new_page()
        phone.set_default_timeout(15_000)
        phone.goto(f"{live_server.url}/m/")
        phone.fill("#id_code", code.lower())
        phone.click("main button[type=submit]")
        expect(phone.locator("h1")).to_contain_text("The way forward for")
        phones.append(phone)
    for phone, ballot in zip(phones, BALLOTS, strict=True):
        for index in ballot:
            phone.check(f"input[name=options][value='{rows[index].split('-')[1]}']")
        phone.click("main form button[type=submit]")
    for phone in phones:
        expect(phone.locator(".notice.ok")).to_contain_text("Your votes are counted")
    # The last councillor changes her mind: her vote moves, it is not added.
    last = phones[-1]
    last.uncheck(f"input[name=options][value='{rows[1].split('-')[1]}']")
    last.check(f"input[name=options][value='{rows[0].split('-')[1]}']")
    last.click("main form button[type=submit]")
    expect(last.locator(".notice.ok")).to_be_visible()

    expected = [7, 4, 4]  # counted by hand from BALLOTS with the change
    expect(page.locator("[data-voices]")).to_have_attribute("data-voices", "10", timeout=10_000)
    for row, count in zip(rows, expected, strict=True):
        expect(page.locator(f"{row} [data-count]")).to_have_attribute("data-count", str(count))
    assert Voice.objects.filter(meeting=meeting).count() == 10
    for phone in phones:
        phone.context.close()

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("form[action$='/close/'] button")
    expect(page.locator(".meeting-result li").first).to_contain_text(texts[0])
    expect(page.locator(".meeting-result li").first).to_contain_text("7 votes")

    page.click("text=See the way forward")
    first = page.locator("ol.priorities > li").first
    expect(first).to_contain_text(f"{texts[0]} (7 votes in the council meeting of")
    expect(page.locator("ol.priorities > li")).to_have_count(3)

    page.go_back()
    page.click(".meeting-result li >> nth=0 >> a.button")
    expect(page.locator("#id_title")).to_have_value(texts[0])
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_be_visible()
    project = Project.objects.get(title=texts[0])
    assert list(project.findings.values_list("text", flat=True)) == [texts[0]]
