"""Six respondents answer an experienced-quality survey on their phones (390 px wide), without
an account, through the open link; the coordinator then sees K = O / F on the results page."""

import datetime

from playwright.sync_api import expect

from kommunekompass.surveys import services
from kommunekompass.surveys.models import Answer, Response
from tests.browser.conftest import log_in
from tests.factories import PASSWORD

# (F, O) each respondent gives the first two statements: O = 24 + ... see the assertion below.
ANSWERS = [(5, 4), (6, 5), (5, 5), (4, 4), (6, 4), (5, 3)]


def test_six_respondents_answer_on_phones_and_the_results_show_k(browser, page, live_server, world):
    survey = services.create_survey(
        world.coordinator,
        world.fjordvik,
        title="Hjemmetjenesten",
        audience="service_users",
        template="experienced_quality",
    )
    unit = services.add_unit(world.coordinator, survey, "Hjemmetjenesten sør")
    services.add_unit(world.coordinator, survey, "Solbakken")
    services.open_period(
        world.coordinator, survey, "Høst", datetime.date(2026, 9, 1), datetime.date(2026, 12, 31)
    )
    first, second = survey.statements.all()[:2]
    link = f"{live_server.url}/surveys/answer/{survey.open_token}/"

    for number, (f, o) in enumerate(ANSWERS):
        phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        respondent = phone.new_page()
        respondent.goto(link + ("?lang=en" if number % 2 else ""))
        expect(respondent.locator("h1")).to_have_text("Hjemmetjenesten")
        assert respondent.evaluate("document.documentElement.scrollWidth") <= 390
        respondent.select_option("#id_unit", str(unit.pk))
        for statement in (first, second):
            respondent.check(f"input[name=f{statement.pk}][value='{f}']")
            respondent.check(f"input[name=o{statement.pk}][value='{o}']")
        respondent.click("button[type=submit]")
        expect(respondent.locator("h1")).to_be_visible()
        assert "/surveys/answer/thanks/" in respondent.url
        phone.close()

    assert Response.objects.filter(unit=unit).count() == 6
    assert Answer.objects.count() == 12

    log_in(page, live_server, "coordinator", PASSWORD)
    page.goto(f"{live_server.url}/surveys/{survey.pk}/results/")
    # ΣO = 4+5+5+4+4+3 = 25, ΣF = 5+6+5+4+6+5 = 31: K = 25 / 31 = 0.81 (per statement and all).
    total = page.locator("#summary table").last
    expect(total).to_contain_text("0,81")
    expect(page.locator("#summary svg")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Solbakken")
