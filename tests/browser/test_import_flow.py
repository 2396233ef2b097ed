"""A consultant uploads a results file, watches it being checked, reads the dry run, confirms,
watches it being imported, and finds the new round. The jobs wait in the queue (the database
backend) and the worker runs them between the browser's steps: the page follows by itself."""

import re
from pathlib import Path

from django.contrib.auth.models import Permission
from playwright.sync_api import expect

import kommunekompass
from kommunekompass.lib import jobs
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_municipality

EXAMPLE = Path(kommunekompass.__file__).parent / "imports" / "examples" / "midtre-gauldal-2023.csv"


def test_an_evaluator_imports_results_and_sees_the_round_in_the_history(
    page, live_server, world, settings, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path
    make_municipality("Midtre Gauldal kommune", "5027", county="Trøndelag")
    # Importing published results is a permission of its own.
    world.eva.user_permissions.add(Permission.objects.get(codename="import_results"))
    log_in(page, live_server, "eva", PASSWORD)
    page.click("header >> text=Evalueringer")
    page.click("text=Importer resultater")
    page.set_input_files("#id_file", str(EXAMPLE))
    page.click("text=Kontroller filen")

    run = page.locator("#import-run")
    expect(run).to_have_attribute("data-state", "waiting")
    expect(page.locator("#import-progress progress")).to_be_visible()
    jobs.run_until_empty()  # the check; the page asks again and shows the plan
    expect(run).to_have_attribute("data-state", "checked")
    expect(page.locator("#import-plan")).to_contain_text("Prøvekjøring")
    expect(page.locator("#import-plan")).to_contain_text("Midtre Gauldal kommune")
    expect(page.locator("#import-plan")).to_contain_text("549 / 800")
    expect(page.locator("#import-warnings")).to_contain_text(re.compile("rad 12|row 12"))

    page.click("#import-plan button:has-text('Importer')")
    expect(run).to_have_attribute("data-state", "importing")
    jobs.make_worker(batch=True, interval=0, max_tasks=1).run()  # the import, not the files
    expect(run).to_have_attribute("data-state", "imported")
    expect(page.locator("#import-done")).to_contain_text("1 evaluering(er) importert")

    page.click("#import-result")
    expect(page.locator("h1")).to_have_text("Midtre Gauldal kommune")
    chart = page.locator("#history-chart svg")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("2023")
    expect(chart).to_contain_text("549")
    expect(page.locator(".history-table")).to_contain_text("73")  # area 2: the parts, 73.1
