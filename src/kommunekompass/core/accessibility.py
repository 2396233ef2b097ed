"""The facts of the accessibility statement (tilgjengelighetserklæring): which pages it
covers, which WCAG 2.1 success criteria of level A and AA the app meets, the known deviations,
and when that was last checked.

Update LAST_CHECKED and the statuses when the checks are run again by hand; the automated ones
(tests/browser/test_accessibility.py) run with every test run. A new kind of page goes into that
test; a page left out of it is named in DEVIATIONS, with the reason.
"""

import datetime

from django.utils.translation import gettext_lazy as _

LAST_CHECKED = datetime.date(2026, 12, 2)

# The pages the statement covers; every kind of them is in the automated checks.
COVERED = [
    _("the public front page, the published reports and the open data"),
    _("the evaluations: scoring, findings, interviews, evidence, the way forward and the review"),
    _("the draft reports, the comparisons and the comparison groups"),
    _("the improvement programme and the forecasts"),
    _("the frameworks, and the imports of results and of evaluation bundles"),
    _("people and accounts: invitations, reminders, passwords and API tokens"),
    _("the surveys with their answer form, and the council meetings on the big screen and phone"),
    _("this statement"),
]

DEVIATIONS = [
    _(
        "The administration pages (/admin/) are Django's own, used only by site administrators. "
        "They are not part of the automated checks and are not adapted further."
    ),
    _(
        "The API documentation (/api/docs) is Swagger UI, made by others and meant for "
        "developers. Its own markup nests buttons inside buttons, has some text below the "
        "contrast minimum, does not name its language and scrolls sideways at 320 CSS pixels. "
        "It is not part of the automated checks. The same description is in the "
        "machine-readable OpenAPI document (/api/openapi.json)."
    ),
    _(
        "The PDF versions of reports and project plans are not checked against PDF/UA. Each PDF "
        "has a web page with the same content, which is checked."
    ),
    _(
        "Files that users upload as evidence are their own documents; Kommunekompass does not "
        "check them."
    ),
]

MET = "met"
NOT_APPLICABLE = "not_applicable"
PARTLY = "partly"

# (criterion, level, status). Level A and AA of WCAG 2.1, as the Norwegian regulation requires.
CRITERIA = [
    ("1.1.1", "A", MET),
    ("1.2.1", "A", NOT_APPLICABLE),
    ("1.2.2", "A", NOT_APPLICABLE),
    ("1.2.3", "A", NOT_APPLICABLE),
    ("1.2.4", "AA", NOT_APPLICABLE),
    ("1.2.5", "AA", NOT_APPLICABLE),
    ("1.3.1", "A", MET),
    ("1.3.2", "A", MET),
    ("1.3.3", "A", MET),
    ("1.3.4", "AA", MET),
    ("1.3.5", "AA", MET),
    ("1.4.1", "A", MET),
    ("1.4.2", "A", NOT_APPLICABLE),
    ("1.4.3", "AA", MET),
    ("1.4.4", "AA", MET),
    ("1.4.5", "AA", MET),
    ("1.4.10", "AA", MET),
    ("1.4.11", "AA", MET),
    ("1.4.12", "AA", MET),
    ("1.4.13", "AA", MET),
    ("2.1.1", "A", MET),
    ("2.1.2", "A", MET),
    ("2.1.4", "A", NOT_APPLICABLE),
    ("2.2.1", "A", MET),
    ("2.2.2", "A", NOT_APPLICABLE),
    ("2.3.1", "A", NOT_APPLICABLE),
    ("2.4.1", "A", MET),
    ("2.4.2", "A", MET),
    ("2.4.3", "A", MET),
    ("2.4.4", "A", MET),
    ("2.4.5", "AA", MET),
    ("2.4.6", "AA", MET),
    ("2.4.7", "AA", MET),
    ("2.5.1", "A", NOT_APPLICABLE),
    ("2.5.2", "A", MET),
    ("2.5.3", "A", MET),
    ("2.5.4", "A", NOT_APPLICABLE),
    ("3.1.1", "A", MET),
    ("3.1.2", "AA", MET),
    ("3.2.1", "A", MET),
    ("3.2.2", "A", MET),
    ("3.2.3", "AA", MET),
    ("3.2.4", "AA", MET),
    ("3.3.1", "A", MET),
    ("3.3.2", "A", MET),
    ("3.3.3", "AA", MET),
    ("3.3.4", "AA", MET),
    ("4.1.1", "A", MET),
    ("4.1.2", "A", MET),
    ("4.1.3", "AA", MET),
]


def criteria_by_status() -> dict[str, list[tuple[str, str]]]:
    """{status: [(criterion, level), ...]} in the order of WCAG."""
    grouped: dict[str, list[tuple[str, str]]] = {MET: [], PARTLY: [], NOT_APPLICABLE: []}
    for criterion, level, status in CRITERIA:
        grouped[status].append((criterion, level))
    return grouped
