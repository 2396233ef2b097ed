"""A site administrator loads the population projection and the cost table, and an evaluator
opens the municipality's forecast: the seed's table and the chart. Screenshots of the table
(desktop and 320 px wide) go to docs/screenshots/."""

import os
from pathlib import Path

from playwright.sync_api import expect

import kommunekompass
from tests.browser.conftest import log_in
from tests.factories import PASSWORD

EXAMPLES = Path(kommunekompass.__file__).parent / "forecasts" / "examples"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def load(page, name: str) -> None:
    page.set_input_files("#id_file", str(EXAMPLES / name))
    page.click("#statistics-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text(name)


def test_statistics_are_loaded_and_the_forecast_is_shown(page, live_server, world):
    world.fjordvik.number = "5027"
    world.fjordvik.save()
    log_in(page, live_server, "admin", PASSWORD)
    page.goto(f"{live_server.url}/forecasts/statistics/")
    load(page, "ssb-14288-synthetic.json")
    load(page, "ks-costs-synthetic.csv")
    expect(page.locator("#sources")).to_contain_text("14288")
    expect(page.locator("#sources")).to_contain_text("2022")

    page.context.clear_cookies()
    log_in(page, live_server, "eva", PASSWORD)
    page.goto(f"{live_server.url}/forecasts/5027/?alternative=MMMM&start=2023&years=10")
    table = page.locator("#forecast-table")
    expect(table).to_be_visible()
    expect(table).to_contain_text("Pleie og omsorg")
    expect(table).to_contain_text("2032")
    expect(table.locator("tfoot")).to_contain_text("2023–2032")
    expect(table.locator("tfoot")).to_contain_text("2023–2026")
    chart = page.locator("#forecast-chart svg")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("Barnehage")

    if os.environ.get("KOMMUNEKOMPASS_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("#forecast").screenshot(path=str(SCREENSHOTS / "forecast.png"))
        page.set_viewport_size({"width": 320, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / "forecast-320.png"), full_page=True)

    page.click("#attach-form button[type=submit]")
    expect(page.locator("#forecast")).to_contain_text("2023–2026")
