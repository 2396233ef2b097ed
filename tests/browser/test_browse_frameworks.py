import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in


def test_an_evaluator_logs_in_and_browses_the_framework(
    page, live_server, evaluator, kommunekompass_framework, caf_framework
):
    page.goto(f"{live_server.url}/frameworks/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    log_in(page, live_server, "evaluator", "secret-pass-1")
    expect(page.locator("h1")).to_have_text("Velkommen, Eva")

    page.click("nav >> text=Rammeverk")
    expect(page.locator("h1")).to_have_text("Rammeverk")
    page.click("a[href='/frameworks/kommunekompass/2020/']")
    expect(page.locator("h1")).to_contain_text("Kommunekompasset")
    expect(
        page.locator("text=4 perspektiver · 8 områder · 35 delområder · 75 spørsmål")
    ).to_be_visible()

    page.click("text=6. Kvalitetsutvikling")
    expect(page.locator("h1")).to_contain_text("6. Kvalitetsutvikling")
    question = page.locator("#question-6\\.3\\.1")
    expect(question).to_contain_text("kontinuerlig forbedring")
    expect(question.locator(".guidance")).to_be_visible()
    expect(page.locator(".rubric-table")).to_contain_text("System/prosess")

    page.click("text=7. Arbeidsliv ›")
    expect(page.locator("h1")).to_contain_text("7. Arbeidsliv")
    expect(page.locator("#question-7\\.3\\.2")).to_contain_text("Maks 12,5 poeng")

    page.click("header >> text=English")
    expect(page.locator("h1")).to_contain_text("7. Working life")
    expect(page.locator("#question-7\\.3\\.2")).to_contain_text("Maximum 12.5 points")
    page.click("header >> text=Norsk bokmål")
    expect(page.locator("h1")).to_contain_text("7. Arbeidsliv")

    page.click("header >> text=Logg ut")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
