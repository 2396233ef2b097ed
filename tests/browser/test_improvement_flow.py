"""A coordinator turns a weakness of the published evaluation into an improvement project: the
plan, a tripartite project group, a milestone that is overdue, a sick-leave indicator with four
quarterly measurements and its chart, the dashboard's flag, and the plan as PDF."""

import datetime
import io

from playwright.sync_api import expect
from pypdf import PdfReader

from kommunekompass.evaluations.models import Finding
from kommunekompass.frameworks.models import FocusArea
from kommunekompass.improvement.models import Measurement, Project
from tests.browser.conftest import log_in
from tests.factories import PASSWORD


def test_a_coordinator_runs_a_weakness_through_a_project_with_measured_effect(
    page, live_server, world
):
    area = FocusArea.objects.get(framework=world.framework, code="8")
    Finding.objects.create(
        evaluation=world.published,
        focus_area=area,
        kind="weakness",
        text="Har ingen plan for å få ned sykefraværet i hjemmetjenesten.",
    )
    log_in(page, live_server, "coordinator", PASSWORD)

    # From the weakness on the published evaluation's findings page to a new project.
    page.goto(f"{live_server.url}/evaluations/{world.published.pk}/areas/8/findings/")
    page.click("a.start-project")
    expect(page.locator("#id_title")).to_have_value(
        "Har ingen plan for å få ned sykefraværet i hjemmetjenesten."
    )
    page.fill("#id_title", "Nærvær i hjemmetjenesten")
    page.select_option("#id_status", "running")
    page.fill("#id_goal", "Sykefraværet skal ned fra 7,8 til 6,5 prosent.")
    page.fill("#id_scope", "Hjemmetjenesten, sone Nord og Sør.")
    page.fill("#id_project_leader", "Per Hovland")
    page.fill("#id_responsible_leader", "Hilde Brekke, kommunalsjef")
    page.fill("#id_unit", "Hjemmetjenesten")
    page.fill("#id_quality_assurance", "Verneombudet følger arbeidet.")
    page.fill("#id_main_activities", "Nærværssamtaler\nFaste team")
    page.click("#project-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Nærvær i hjemmetjenesten")
    expect(page.locator("#goals")).to_contain_text("7,8 til 6,5 prosent")
    expect(page.locator("#organisation")).to_contain_text("Per Hovland")
    project = Project.objects.get(title="Nærvær i hjemmetjenesten")
    assert project.evaluation == world.published
    assert project.findings.count() == 1

    # A project group with all three parties.
    page.click(".breadcrumbs a:nth-of-type(2)")  # the municipality's programme
    page.click("nav.tabs a[href$='/groups/']")
    for name, party, function in (
        ("Ola Ordfører", "elected", "member"),
        ("Per Hovland", "management", "project_leader"),
        ("Tone Bakke", "union", "member"),
    ):
        page.select_option("#id_group", "project")
        page.fill("#id_name", name)
        page.select_option("#id_party", party)
        page.select_option("#id_function", function)
        page.click("#member-form button[type=submit]")
        expect(page.locator("#group-project")).to_contain_text(name)
    expect(page.locator("#group-project .party-check")).to_have_class("party-check ok")
    expect(page.locator("#group-steering .party-check")).to_have_class("party-check missing")

    # A milestone that should have been reached ten days ago.
    page.goto(f"{live_server.url}/improvement/projects/{project.pk}/")
    past = datetime.date.today() - datetime.timedelta(days=10)
    page.click("#decisions details:has(#add-milestones) summary")
    page.fill("#add-milestones #id_number", "MP1")
    page.fill("#add-milestones #id_milestone", "Kartlegging av kontrollspenn")
    page.fill("#add-milestones #id_date", past.isoformat())
    page.click("#add-milestones button[type=submit]")
    expect(page.locator("table.milestones tr.overdue")).to_contain_text("MP1")
    expect(page.locator("#overdue-notice")).to_be_visible()

    # A sick-leave indicator with four quarterly measurements, and its chart.
    page.click("#indicators a.button")
    page.select_option("#id_kind", "sick_leave")
    page.fill("#id_organisation_unit", "Hjemmetjenesten")
    page.fill("#id_baseline", "7,8")
    page.fill("#id_target", "6,5")
    page.click("#indicator-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Sykefravær")
    for period, value in (
        ("2025-Q4", "7,6"),
        ("2026-Q1", "7,9"),
        ("2026-Q2", "7,2"),
        ("2026-Q3", "7,0"),
    ):
        page.fill("#id_period", period)
        page.fill("#id_value", value)
        page.click("#measurement-form button[type=submit]")
        expect(page.locator("#measurements")).to_contain_text(value)
    assert Measurement.objects.filter(indicator__project=project).count() == 4
    chart = page.locator("#indicator-chart svg")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("3. kv. 2026")
    expect(chart).to_contain_text("6,5")  # the target line's label

    # The dashboard flags the overdue milestone and the indicator off target.
    page.click("header >> text=Forbedring")
    expect(page.locator("#overdue")).to_contain_text("Kartlegging av kontrollspenn")
    expect(page.locator("#off-target")).to_contain_text("Sykefravær")
    expect(page.locator("#unanswered")).not_to_contain_text("sykefraværet i hjemmetjenesten")

    # The plan as PDF.
    page.click("#projects a:has-text('Nærvær i hjemmetjenesten')")
    with page.expect_download() as download_info:
        page.click("a[href$='plan.pdf']")
    data = open(download_info.value.path(), "rb").read()
    assert data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Nærvær i hjemmetjenesten" in text
    assert "Kartlegging av kontrollspenn" in text
    assert "Måling av nytteverdi" in text
