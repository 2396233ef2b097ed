"""An evaluator defines a comparison group of five municipalities, picks it for the report of
the evaluation they work on, and the report compares with the group: its name, and the
average of its members."""

from playwright.sync_api import expect

from kommunekompass.comparisons.models import ComparisonGroup, GroupChange, ReportGroup
from kommunekompass.reports.data import build_report
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_evaluation, make_municipality
from tests.test_comparisons import reported

TOTALS = {"Alfa": 40, "Bravo": 45, "Charlie": 50, "Delta": 55, "Ekko": 60}  # per area, 8 areas


def test_an_evaluator_defines_a_group_of_five_and_picks_it_for_the_report(page, live_server, world):
    members = []
    for index, (name, per_area) in enumerate(TOTALS.items()):
        municipality = make_municipality(f"{name} kommune", f"98{index:02d}", county="Agder")
        evaluation = make_evaluation(municipality, world.framework, status="published", year=2024)
        reported(evaluation, "area", {str(code): per_area for code in range(1, 9)})
        members.append(municipality)
    make_municipality("Utenfor kommune", "9890", county="Agder")  # not picked

    log_in(page, live_server, "eva", PASSWORD)
    page.click("#your-groups a[href='/comparisons/groups/new/']")
    page.fill("#id_name", "Agder-fem")
    page.check("input[name=visibility][value=private]")
    for municipality in members:
        page.check(f"input[name=municipalities][value='{municipality.pk}']")
    page.click("#group-form button[type=submit]")
    expect(page.locator("#group-list")).to_contain_text("Agder-fem")
    group = ComparisonGroup.objects.get(name="Agder-fem")
    assert set(group.municipalities.all()) == set(members)
    assert (group.created_by, group.visibility) == (world.eva, "private")
    assert GroupChange.objects.filter(group=group, action="created").exists()

    page.goto(f"{live_server.url}/evaluations/{world.draft.pk}/")
    page.select_option("#report-group-form select", label="Agder-fem")
    page.click("#report-group-form button")
    expect(page.locator(".messages")).to_contain_text("Agder-fem")
    assert ReportGroup.objects.get(evaluation=world.draft).custom_group == group

    page.goto(f"{live_server.url}/reports/{world.draft.pk}/")
    comparison = page.locator("#comparison")
    expect(comparison).to_contain_text("mot snittet for Agder-fem")
    expect(comparison).to_contain_text("nummer 6 av 6 i sammenligningsgruppen (Agder-fem)")
    report = build_report(world.draft)
    assert sorted(m.name for m in report.group) == sorted(
        ["Fjordvik kommune", *(f"{name} kommune" for name in TOTALS)]
    )
    # The group's average per area, Fjordvik's draft (nothing scored yet: 0) with the five:
    # (0 + 40 + 45 + 50 + 55 + 60) / 6.
    assert {round(float(area.group_average), 2) for area in report.areas} == {41.67}
    for name in TOTALS:  # the ranking chart names every member
        expect(comparison).to_contain_text(f"{name} kommune")
    expect(comparison).not_to_contain_text("Utenfor kommune")

    # The group in use cannot be deleted, and the page says why.
    page.goto(f"{live_server.url}/comparisons/groups/{group.pk}/")
    expect(page.locator("#group-in-use")).to_contain_text("Fjordvik kommune 2026")
