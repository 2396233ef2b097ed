"""Take screenshots of the app's pages into docs/screenshots/.

Start the demo on a fresh data directory first (./scripts/run-demo: evaluation 1 is the
published Fjordvik evaluation, 2 the Nordhei draft; municipality 3 is the first synthetic one,
67 Midtre Gauldal), then:
    .venv/bin/python scripts/screenshots.py
Uses Debian's Chromium (/usr/bin/chromium) through Playwright.
"""

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = [
    ("login", "/accounts/login/", False),
    ("frameworks", "/frameworks/", True),
    ("framework-kommunekompass", "/frameworks/kommunekompass/2020/", True),
    ("framework-area-6", "/frameworks/kommunekompass/2020/areas/6/", True),
    ("framework-caf", "/frameworks/caf/2020/", True),
    ("evaluations", "/evaluations/", True),
    ("evaluation-overview", "/evaluations/1/", True),
    ("scoring-page", "/evaluations/2/areas/1/", True),
    ("findings-page", "/evaluations/1/areas/5/findings/", True),
    ("interviews", "/evaluations/1/interviews/", True),
    ("report-public", "/reports/1/", False),
    ("comparison", "/comparisons/?municipality=1", True),
    ("history-across-versions", "/comparisons/municipalities/3/", True),
    ("history-midtre-gauldal", "/comparisons/municipalities/67/", True),
    ("import-upload", "/imports/", True),
    ("import-run", "IMPORT_RUN", "admin"),
    ("improvement-dashboard", "/improvement/1/", "coordinator"),
    ("improvement-groups", "/improvement/1/groups/", "coordinator"),
    ("improvement-project", "/improvement/projects/1/", "coordinator"),
    ("improvement-indicator", "/improvement/indicators/1/", "coordinator"),
    ("improvement-new-project", "/improvement/1/projects/new/?finding=FINDING", "coordinator"),
    ("evaluation-history", "/evaluations/1/history/", True),
    ("review", "/evaluations/1/review/", True),
    ("report-versions", "/reports/1/", False),
    ("report-version-1", "/reports/1/v/1/", False),
    ("report-compare-today", "/reports/1/today/", True),
    ("improvement-history", "/improvement/1/history/", "coordinator"),
    ("municipality-history", "/evaluations/municipalities/1/history/", "coordinator"),
    ("front-page", "/", False),
    ("home-evaluator", "/", True),
    ("home-coordinator", "/", "coordinator"),
    ("home-reader", "/", "reader"),
    ("home-steering-group", "/", "steering"),
    ("home-project-leader", "/", "project-leader"),
    ("comparison-groups", "/comparisons/groups/", True),
    ("comparison-group-form", "/comparisons/groups/new/", True),
    ("people", "/people/municipalities/1/", "coordinator"),
    ("reminders", "/people/reminders/", "coordinator"),
    ("password-reset", "/accounts/password/forgotten/", False),
    ("evaluation-details", "/evaluations/2/", True),
    ("way-forward", "/evaluations/1/way-forward/", "coordinator"),
    ("way-forward-edit", "/evaluations/2/way-forward/", True),
    ("municipality-edit", "/evaluations/municipalities/1/", "coordinator"),
    ("survey-results", "/surveys/1/results/", "coordinator"),
    ("survey-respondent-390", "SURVEY_LINK", "coordinator"),
]
# Pages also taken at 320 CSS pixels wide (WCAG 1.4.10 reflow), as NAME-320.png.
NARROW = {
    "report-versions",
    "evaluation-history",
    "review",
    "scoring-page",
    "login",
    "front-page",
    "home-evaluator",
    "home-coordinator",
    "home-reader",
    "home-steering-group",
    "home-project-leader",
    "comparison-groups",
    "people",
    "evaluation-details",
    "way-forward",
    "way-forward-edit",
}
# Other demo users than --user, for the pages only they may see.
OTHER_USERS = {
    "admin": "kompass-admin",
    "coordinator": "kompass-coordinator",
    "reader": "kompass-reader",
    "steering": "kompass-steering",
    "project-leader": "kompass-leader",
}


def log_in(browser, base, username, password):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(base + "/")
    return page


EXAMPLE = Path(__file__).resolve().parent.parent / (
    "src/kommunekompass/imports/examples/midtre-gauldal-2023.csv"
)


def shoot_both(page, base, path, out, name):
    """The page at 1280 and at 320 CSS pixels."""
    for width, suffix in ((1280, ""), (320, "-320")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(base + path)
        page.screenshot(path=str(out / f"{name}{suffix}.png"), full_page=True)
        print(f"{name}{suffix}.png  {page.title()}")
    page.set_viewport_size({"width": 1280, "height": 900})


def import_run(page, base, out):
    """Upload Midtre Gauldal's results as of 2024 (the demo has 2023), let the server's worker
    check them, then import them: the run's page when checked and when imported."""
    data = EXAMPLE.read_text(encoding="utf-8").replace(";2023;", ";2024;")
    page.goto(base + "/imports/")
    upload = {"name": "midtre-gauldal-2024.csv", "mimeType": "text/csv", "buffer": data.encode()}
    page.set_input_files("input[type=file]", files=[upload])
    page.click("main button[type=submit]")
    page.wait_for_selector('#import-run[data-state="checked"]', timeout=120_000)
    run_path = page.url.removeprefix(base)
    shoot_both(page, base, run_path, out, "import-run-checked")
    page.click("#import-confirm button[type=submit]")
    page.wait_for_selector('#import-run[data-state="imported"]', timeout=120_000)
    shoot_both(page, base, run_path, out, "import-run-imported")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="evaluator")
    parser.add_argument("--password", default="kompass-evaluator")
    parser.add_argument(
        "--out", default=str(Path(__file__).resolve().parent.parent / "docs/screenshots")
    )
    parser.add_argument("--only", nargs="*", help="take only these pages (their names)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        anonymous = browser.new_page(viewport={"width": 1280, "height": 900})
        pages = {True: log_in(browser, args.base, args.user, args.password), False: anonymous}
        for username, password in OTHER_USERS.items():
            pages[username] = log_in(browser, args.base, username, password)
        for name, path, who in PAGES:
            if args.only and name not in args.only:
                continue
            page = pages[who]
            if "FINDING" in path:
                # The first finding the dashboard offers to start a project from.
                page.goto(args.base + "/improvement/1/")
                link = page.locator("#unanswered a.small-link").first.get_attribute("href")
                path = link
            if path == "IMPORT_RUN":
                import_run(page, args.base, out)
                continue
            if path == "SURVEY_LINK":
                # The demo survey's open link, on a phone 390 CSS pixels wide (no account).
                page.goto(args.base + "/surveys/1/")
                link = page.locator("#open-link").get_attribute("href")
                phone = browser.new_page(viewport={"width": 390, "height": 844})
                phone.goto(link)
                phone.screenshot(path=str(out / f"{name}.png"), full_page=True)
                print(f"{name}.png  {phone.title()}")
                phone.close()
                continue
            page.goto(args.base + path)
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            print(f"{name}.png  {page.title()}")
            if name in NARROW:
                page.set_viewport_size({"width": 320, "height": 900})
                page.goto(args.base + path)
                page.screenshot(path=str(out / f"{name}-320.png"), full_page=True)
                print(f"{name}-320.png")
                page.set_viewport_size({"width": 1280, "height": 900})
        browser.close()


if __name__ == "__main__":
    main()
