"""WCAG 2.1 A and AA on every kind of page, for every role that sees it (issue 13).

axe-core (shipped inside axe-playwright-python) checks each page with the rules tagged wcag2a,
wcag2aa, wcag21a and wcag21aa at 320 CSS px (WCAG 1.4.10, reflow), with the folded menu opened
so that its links are checked too; at 320 px the page must also not scroll sideways. At desktop
width (1280 CSS px) the same document is checked again, without a new request, for the pages
whose layout differs there (a11y_pages.Check): elsewhere the wide layout shows the same elements.
The data are built once for the module; each role has one browser page.

Left out, and named as known deviations in the accessibility statement
(kommunekompass.core.accessibility.DEVIATIONS): Django's own admin (/admin/), and the API
documentation (/api/docs), which is Swagger UI as django-ninja ships it.
axe finds in Swagger UI's own markup nested interactive controls (each operation's summary is a
button holding other buttons), method badges and links below 4.5:1 contrast, no lang on the
page, and sideways scrolling at 320 px; none of it is ours to change short of forking it.

What axe cannot see is tested by hand-written checks below: keyboard-only scoring, a skip link
as the first stop, a visible focus outline, errors announced and linked to their fields.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from kommunekompass.evaluations.models import Score
from tests.browser.a11y_pages import USERNAMES, build_world, pages_by_role

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE = Axe()
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# With KOMMUNEKOMPASS_A11Y_SCREENSHOTS=1 the test also saves these pages at both widths.
SHOTS = {
    ("evaluator", "scoring"): "a11y-scoring",
    ("reviewer", "review"): "a11y-review",
    ("anonymous", "public report"): "a11y-public-report",
}


@pytest.fixture
def a11y_world(transactional_db, live_server, settings, tmp_path):
    """The data, built once and committed (the live server reads them from another thread).
    One test walks every role's pages: pytest-django empties the database after each test that
    uses the live server, so building the data once means one test."""
    settings.MEDIA_ROOT = tmp_path
    return build_world()


def session_cookie(user, live_server):
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_server.url}


def open_as(browser, live_server, username=None, width=1280):
    from django.contrib.auth import get_user_model

    context = browser.new_context(viewport={"width": width, "height": 900})
    if username:
        user = get_user_model().objects.get(username=username)
        context.add_cookies([session_cookie(user, live_server)])
    # axe in every document the context opens, put there by the browser itself: cheaper than
    # sending its half megabyte over the wire for each page.
    context.add_init_script(AXE.axe_script)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def describe(violations) -> str:
    lines = []
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"      at {' '.join(map(str, node['target']))}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"         {summary[:300]}")
    return "\n".join(lines)


def run_axe(page) -> list[dict]:
    """axe's violations. axe is half a megabyte: it is put into a document once (if the
    browser context has not put it there already), however often the document is checked."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.axe_script)
    return page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]


BROKEN_REFERENCES = """() => Array.from(
  document.querySelectorAll('[aria-describedby], [aria-labelledby], [aria-controls]'))
  .flatMap(e => ['aria-describedby', 'aria-labelledby', 'aria-controls']
    .flatMap(a => (e.getAttribute(a) || '').split(/\\s+/).filter(Boolean))
    .filter(id => !document.getElementById(id))
    .map(id => `${e.tagName.toLowerCase()}#${e.id} -> ${id}`))"""


def check_page(page) -> list[str]:
    """axe's WCAG 2.1 A/AA violations of the page as it stands, and sideways scrolling."""
    problems = []
    # Resize events are dispatched before the next animation frame: let the page settle.
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    violations = run_axe(page)
    if violations:
        problems.append(describe(violations))
    # axe only asks for a review when aria-describedby names an element that is not there.
    missing = page.evaluate(BROKEN_REFERENCES)
    if missing:
        problems.append(f"  refers to ids not on the page: {missing[:5]}")
    width = page.viewport_size["width"]
    if width <= 320:
        scroll = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll[0] > scroll[1]:
            wide = page.evaluate(
                """() => Array.from(document.querySelectorAll('body *'))
                  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                  .filter(e => {
                    const box = e.closest('.table-scroll, .scroll-box, pre');
                    return !box || box.getBoundingClientRect().right > window.innerWidth + 1
                      || getComputedStyle(e).position === 'absolute';
                  })
                  .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className)"""
            )
            problems.append(f"  scrolls sideways: {scroll[0]} > {scroll[1]} px; wide: {wide}")
    return problems


def test_every_page_meets_wcag_21_aa_at_320_px_and_at_desktop_width(
    browser, live_server, a11y_world
):
    failures, checked = [], 0
    screenshots = os.environ.get("KOMMUNEKOMPASS_A11Y_SCREENSHOTS")
    for role, pages in pages_by_role(a11y_world).items():
        page = open_as(browser, live_server, USERNAMES.get(role), width=320)
        try:
            for check in pages:
                page.context.add_cookies([language_cookie(check.language, live_server)])
                response = page.goto(f"{live_server.url}{check.path}")
                if check.then:
                    response = check.then(page) or response
                where = f"{role}: {check.kind} {check.path}"
                if response.status != check.status:
                    failures.append(f"{where}: status {response.status}")
                    continue
                if check.shows and not page.locator(check.shows).count():
                    failures.append(f"{where}: shows no {check.shows}")
                    continue
                widths = (320, 1280) if check.wide or screenshots else (320,)
                for width in widths:
                    page.set_viewport_size({"width": width, "height": 900})
                    if width == 320:
                        open_menu(page)
                    problems = check_page(page)
                    checked += 1
                    if screenshots and (role, check.kind) in SHOTS:
                        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                        shot = SCREENSHOTS / f"{SHOTS[role, check.kind]}-{width}.png"
                        page.screenshot(path=str(shot))
                    if problems:
                        failures.append(f"{where} at {width} px:\n" + "\n".join(problems))
                page.set_viewport_size({"width": 320, "height": 900})
        finally:
            page.context.close()
    pages = sum(len(checks) for checks in pages_by_role(a11y_world).values())
    print(f"{pages} (page, role) pairs, {checked} (page, role, width) checks")
    assert not failures, "\n".join(failures)


def language_cookie(language, live_server):
    return {
        "name": settings.LANGUAGE_COOKIE_NAME,
        "value": language or settings.LANGUAGE_CODE,
        "url": live_server.url,
    }


def open_menu(page):
    """At 320 px the menu folds behind its button: open it, so its links are checked too."""
    page.evaluate(
        """() => {
          const toggle = document.querySelector('.menu-toggle');
          if (toggle && toggle.offsetParent && toggle.getAttribute('aria-expanded') === 'false')
            toggle.click();
        }"""
    )


FOCUSED = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  return {
    tag: e.tagName.toLowerCase(), name: e.getAttribute('name') || '', value: e.value || '',
    cls: e.className || '', text: (e.textContent || '').trim().slice(0, 40),
    inQuestion: Boolean(e.closest('#q-1-1-1')),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def tab_to(page, wanted, most=80, key="Tab"):
    """Press Tab until the focused element matches `wanted` (a predicate on FOCUSED); every
    stop on the way must show its focus."""
    for _ in range(most):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        assert focused["outline"], f"no visible focus on {focused}"
        if wanted(focused):
            return focused
    raise AssertionError(f"never reached the wanted element; last: {focused}")


def choose_with_arrows(page, name, value):
    """Space checks the focused radio button, the arrow keys move the choice on."""
    checked = f"document.querySelector('#q-1-1-1 input[name={name}]:checked')?.value"
    page.keyboard.press("Space")
    for _ in range(6):
        if page.evaluate(checked) == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{name} never reached {value}: {page.evaluate(checked)}")


def test_a_keyboard_user_scores_a_question_and_saves_it(page, live_server, world):
    """Tab, Space, Enter and the arrow keys only: no clicks. The skip link comes first, the
    focus is always visible, an error is summarised with a link to its field, and the save is
    announced."""
    from tests.browser.conftest import log_in
    from tests.factories import PASSWORD

    log_in(page, live_server, "eva", PASSWORD)
    page.goto(f"{live_server.url}/evaluations/{world.draft.pk}/areas/1/")

    # The skip link is the first stop and leads to the main content.
    first = tab_to(page, lambda f: True)
    assert "skip-link" in first["cls"], first
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Into question 1.1.1's first dimension: Space chooses the first level, arrows move on.
    for dimension, level in (("system", "2"), ("scope", "1"), ("result", "3")):
        tab_to(page, lambda f, d=dimension: f["inQuestion"] and f["name"] == f"level_{d}")
        choose_with_arrows(page, f"level_{dimension}", level)

    # Saved without a reason: refused, the error summary takes the focus and links the field.
    tab_to(page, lambda f: f["inQuestion"] and f["tag"] == "button")
    page.keyboard.press("Enter")
    alert = page.locator("#q-1-1-1 [role=alert]")
    alert.wait_for()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "alert"
    assert not Score.objects.filter(evaluation=world.draft).exists()
    assert page.get_attribute("#reason-q-1-1-1", "aria-describedby") == "reason-q-1-1-1-error"
    assert check_page(page) == []  # the question with its errors meets WCAG too
    tab_to(page, lambda f: f["tag"] == "a" and "#reason" not in f["text"] and f["inQuestion"])
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "reason-q-1-1-1"
    page.keyboard.type("Planen er vedtatt, men lite kjent.")
    tab_to(page, lambda f: f["inQuestion"] and f["tag"] == "button")
    page.keyboard.press("Enter")

    page.locator("#q-1-1-1 .notice.ok").wait_for()
    # The save is read out: its message goes to the page's live region.
    expect(page.locator("#live-region")).to_have_text("Lagret.")
    score = Score.objects.get(evaluation=world.draft, question__code="1.1.1")
    assert score.levels == {"system": 2, "scope": 1, "result": 3}
    assert score.reason == "Planen er vedtatt, men lite kjent."


def test_the_menu_folds_at_320_px_and_opens_with_the_keyboard(page, live_server, world):
    from tests.browser.conftest import log_in
    from tests.factories import PASSWORD

    log_in(page, live_server, "eva", PASSWORD)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/")
    toggle = page.locator(".menu-toggle")
    menu = page.locator("#site-menu")
    assert toggle.is_visible() and not menu.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    tab_to(page, lambda f: "menu-toggle" in f["cls"])
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true" and menu.is_visible()
    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Evalueringer")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/evaluations/")
    # At desktop width the menu is always open and the button is gone.
    page.set_viewport_size({"width": 1280, "height": 800})
    assert menu.is_visible() and not toggle.is_visible()
