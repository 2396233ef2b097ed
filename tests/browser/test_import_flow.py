"""A consultant uploads a results file, reads the dry run, confirms, and finds the new round."""

import re
from pathlib import Path

from django.contrib.auth.models import Permission
from playwright.sync_api import expect

import kommunekompass
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_municipality

EXAMPLE = Path(kommunekompass.__file__).parent / "imports" / "examples" / "midtre-gauldal-2023.csv"


def test_an_evaluator_imports_results_and_sees_the_round_in_the_history(page, live_server, world):
    make_municipality("Midtre Gauldal kommune", "5027", county="Trøndelag")
    # Importing published results is a permission of its own.
    world.eva.user_permissions.add(Permission.objects.get(codename="import_results"))
    log_in(page, live_server, "eva", PASSWORD)
    page.click("header >> text=Evalueringer")
    page.click("text=Importer resultater")
    page.set_input_files("#id_file", str(EXAMPLE))
    page.click("text=Kontroller filen")

    expect(page.locator("#import-plan")).to_contain_text("Prøvekjøring")
    expect(page.locator("#import-plan")).to_contain_text("Midtre Gauldal kommune")
    expect(page.locator("#import-plan")).to_contain_text("549 / 800")
    expect(page.locator("#import-warnings")).to_contain_text(re.compile("rad 12|row 12"))

    page.click("#import-plan button:has-text('Importer')")
    expect(page.locator("h1")).to_have_text("Midtre Gauldal kommune")
    expect(page.locator(".messages")).to_contain_text("1 evaluering(er) importert")
    chart = page.locator("#history-chart svg")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("2023")
    expect(chart).to_contain_text("549")
    expect(page.locator(".history-table")).to_contain_text("73")  # area 2: the parts, 73.1
