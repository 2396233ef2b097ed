"""The whole flow of issue 3, in Chromium: from a new evaluation to the published result."""

import re

from playwright.sync_api import expect

from kommunekompass.evaluations.models import Evaluation, Score
from tests.browser.conftest import log_in
from tests.factories import PASSWORD


def score_question(page, code, system, scope, result, reason):
    block = page.locator(f"#q-{code.replace('.', '-')}")
    for dimension, value in (("system", system), ("scope", scope), ("result", result)):
        block.locator(f"input[name=level_{dimension}][value='{value}']").check()
    block.locator("textarea[name=reason]").fill(reason)
    block.get_by_role("button", name="Lagre").click()
    expect(page.locator(f"#q-{code.replace('.', '-')} .notice")).to_have_text("Lagret.")


def test_an_evaluator_runs_an_evaluation_from_start_to_published_result(
    page, browser, live_server, world, settings
):
    # One person runs the whole flow here: the site's four-eyes rule is off for it (the review
    # by a second person is tested in tests/test_review.py).
    settings.KOMMUNEKOMPASS_FOUR_EYES = False
    log_in(page, live_server, "eva", PASSWORD)

    # Create the evaluation.
    page.click("header >> text=Evalueringer")
    page.click("text=Ny evaluering")
    page.select_option("#id_municipality", label="Nordhei kommune")
    page.select_option("#id_framework", label="Kommunekompasset (2020)")
    page.fill("#id_year", "2027")
    page.click("text=Opprett evaluering")
    expect(page.locator("h1")).to_contain_text("Nordhei kommune 2027")
    evaluation = Evaluation.objects.get(year=2027)

    # Record an interview, linked to a question.
    page.click(".tabs >> text=Intervjuer")
    page.select_option("#id_role", "chief_executive")
    page.fill("#id_date", "2027-02-10")
    page.check("#id_held")
    page.fill("#id_participants", "Kommunedirektør og assisterende kommunedirektør")
    page.fill("#id_notes", "Styringssystemet er godt kjent i ledergruppen.")
    page.locator("#id_questions label", has_text="3.1.1").locator("input").check()
    page.click("text=Lagre intervju")
    expect(page.locator("table")).to_contain_text("Kommunedirektør og assisterende")

    # Score questions in two focus areas; the totals change without reloading.
    page.click(".tabs >> text=Oversikt")
    page.click("text=3. Styring og kontroll")
    expect(page.locator("#q-3-1-1 .question-links")).to_contain_text("Kommunedirektør")
    expect(page.locator("#area-progress")).to_contain_text("0 av 10")
    url_before = page.url
    score_question(page, "3.1.1", 3, 3, 3, "Gjennomarbeidet styringssystem i hele kommunen.")
    expect(page.locator("#total-3-1 td[data-points]")).to_have_attribute("data-points", "10,0")
    expect(page.locator("#total-area td[data-points]")).to_have_attribute("data-points", "10")
    score_question(page, "3.2.1", 2, 1, 0, "Delvis på plass.")
    expect(page.locator("#area-progress")).to_contain_text("2 av 10")
    assert page.url == url_before  # saved in place, no reload

    page.click(".area-tabs >> text=6")
    score_question(page, "6.3.1", 1, 2, 1, "Avvik meldes, men brukes lite til læring.")
    expect(page.locator("#area-totals")).to_contain_text("3 av 75")

    # Findings.
    page.click("text=Funn for området")
    page.select_option("#id_kind", "weakness")
    page.fill("#id_text", "Avvikene brukes lite til forbedring.")
    page.locator("#id_questions label", has_text="6.3.1").locator("input").check()
    page.click("text=Legg til funn")
    expect(page.locator("#column-weakness")).to_contain_text("Avvikene brukes lite")

    # Review and publish.
    page.click(".tabs >> text=Oversikt")
    page.click("text=Send til gjennomgang")
    expect(page.locator(".status").first).to_have_text("Til gjennomgang")
    page.check("input[name=confirm_missing]")
    page.click("button[value=publish]")
    expect(page.locator(".status").first).to_have_text("Publisert")
    assert Score.objects.filter(evaluation=evaluation).count() == 3

    # The published result, for an anonymous visitor.
    result_url = f"{live_server.url}/reports/{evaluation.pk}/"
    anonymous = browser.new_context()
    visitor = anonymous.new_page()
    visitor.goto(result_url)
    expect(visitor.locator("h1")).to_contain_text("Nordhei kommune 2027")
    expect(visitor.locator("body")).to_contain_text("Avvikene brukes lite til forbedring.")
    expect(visitor.locator("body")).not_to_contain_text("UTKAST")
    anonymous.close()

    # A reader of another municipality is denied the evaluation itself.
    other = browser.new_context()
    stranger = other.new_page()
    log_in(stranger, live_server, "reader", PASSWORD)  # reads Fjordvik, not Nordhei
    response = stranger.goto(f"{live_server.url}/evaluations/{evaluation.pk}/")
    assert response.status == 404
    expect(stranger.locator("body")).not_to_contain_text("Avvikene brukes lite")
    response = stranger.goto(f"{live_server.url}/evaluations/{evaluation.pk}/interviews/")
    assert response.status == 404
    other.close()
    assert re.search(r"/evaluations/\d+/$", page.url)
