"""Issue 12's way forward in Chromium: after version 1 is published, the team reopens the
evaluation for the council's way forward; the municipality's coordinator enters two priorities
on the way-forward page, the first linked to a finding and its focus area, and puts the second
first; the evaluation is published again through the workflow. The report (version 2) shows the
priorities with what they answer, its snapshot carries them, and version 1 is unchanged."""

from playwright.sync_api import expect

from kommunekompass.evaluations.models import Evaluation, PublishedVersion
from kommunekompass.evaluations.services import findings as finding_service
from kommunekompass.evaluations.services.workflow import change_status
from kommunekompass.frameworks.models import FocusArea
from tests.browser.conftest import log_in
from tests.factories import PASSWORD


def test_a_coordinator_enters_the_way_forward_and_the_next_version_carries_it(
    page, browser, live_server, world
):
    w = world
    evaluation = w.published
    first = PublishedVersion.objects.get(evaluation=evaluation, number=1)
    frozen = dict(first.data)
    # The team reopens the published evaluation for the way forward and adds a finding.
    change_status(evaluation, "reopen", w.eva, "Bystyrets veien videre")
    area = FocusArea.objects.get(framework=w.framework, code="3")
    challenge = finding_service.add_finding(
        evaluation=evaluation,
        focus_area=area,
        kind="challenge",
        text="Målene følges lite opp",
        questions=[],
        user=w.eva,
    )

    # The coordinator enters two priorities, the first linked to the finding and its area.
    log_in(page, live_server, "coordinator", PASSWORD)
    page.goto(f"{live_server.url}/evaluations/{evaluation.pk}/way-forward/")
    form = page.locator("#priority-form")
    form.locator("textarea[name=text]").fill("Styrke oppfølgingen av målene")
    form.locator(f"input[name=focus_areas][value='{area.pk}']").check()
    form.locator(f"input[name=findings][value='{challenge.pk}']").check()
    form.locator("button[type=submit]").click()
    expect(page.locator("ol.priorities")).to_contain_text("Målene følges lite opp")
    page.locator("#priority-form textarea[name=text]").fill("Felles HMS-løft")
    page.locator("#priority-form button[type=submit]").click()
    second = page.locator("ol.priorities > li").nth(1)
    expect(second).to_contain_text("Felles HMS-løft")
    # Put it first, then back: the order is the coordinator's to set.
    second.locator("button[value=up]").click()
    expect(page.locator("ol.priorities > li").first).to_contain_text("Felles HMS-løft")
    page.locator("ol.priorities > li").first.locator("button[value=down]").click()
    expect(page.locator("ol.priorities > li").first).to_contain_text("Styrke oppfølgingen")

    # Published again through the workflow: sent by Eva, approved by Otto.
    evaluation.evaluators.add(w.otto)
    change_status(evaluation, "submit", w.eva)
    change_status(evaluation, "publish", w.otto, confirm_missing=True)
    assert Evaluation.objects.get(pk=evaluation.pk).published_version == 2

    # Anyone reads version 2 with the way forward; version 1 stays as it was.
    visitor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    visitor.goto(f"{live_server.url}/reports/{evaluation.pk}/")
    section = visitor.locator("#way-forward")
    expect(section.locator("ol.way-forward > li")).to_have_count(2)
    expect(section.locator("ol.way-forward > li").first).to_contain_text(
        "Styrke oppfølgingen av målene"
    )
    expect(section.locator("ol.way-forward > li").first).to_contain_text("Målene følges lite opp")
    expect(section.locator("ol.way-forward > li").nth(1)).to_contain_text("Felles HMS-løft")
    visitor.goto(f"{live_server.url}/reports/{evaluation.pk}/v/1/")
    expect(visitor.locator("#way-forward ol.way-forward")).to_have_count(0)
    visitor.context.close()

    second_version = PublishedVersion.objects.get(evaluation=evaluation, number=2)
    assert second_version.data["priorities"] == [
        "Styrke oppfølgingen av målene",
        "Felles HMS-løft",
    ]
    assert second_version.data["priority_links"][0] == {
        "areas": ["3"],
        "findings": [{"area": "3", "kind": "challenge", "text": "Målene følges lite opp"}],
    }
    first.refresh_from_db()
    assert first.data == frozen
