"""The improvement programme through the API, for every role (tests/test_api_access.py's,
and the project leader): milestones and measurements as on the project and indicator pages.
Coordinators and project leaders change, readers read (403 on writes), evaluators and the
other municipality see nothing (404). The database and the history entry are checked after
every write."""

import datetime
from decimal import Decimal

from kommunekompass.improvement.models import (
    ChangeAction,
    Measurement,
    Milestone,
    ProgrammeChange,
    Project,
)
from tests.test_api_access import ROLES, call, statuses, tokens  # noqa: F401
from tests.test_api_writes import every_role, send

WRITERS = [401, 403, 200, 404, 404, 200]  # anonymous reader coordinator eva nordhei admin


def changes(action):
    return list(ProgrammeChange.objects.filter(action=action).order_by("pk"))


def test_milestones_follow_the_project_page(client, programme, tokens):
    w = programme
    base = f"/api/projects/{w.project.pk}/milestones"
    assert statuses(client, tokens, "get", base) == [401, 200, 200, 404, 404, 200]
    assert [m["number"] for m in call(client, tokens, "reader", "get", base).json()] == ["MP1"]

    body = {"number": "MP2", "milestone": "Tiltak i gang", "date": "2027-01-31"}
    created = [201 if s == 200 else s for s in WRITERS]
    assert every_role(client, tokens, "post", base, body) == created
    assert send(client, tokens, "leader", "post", base, body).status_code == 201
    added = Milestone.objects.filter(project=w.project, number="MP2")
    assert added.count() == 3 and added[0].date == datetime.date(2027, 1, 31)
    assert len(changes(ChangeAction.MILESTONE_ADDED)) == 3

    url = f"{base}/{w.milestone.pk}"
    assert every_role(client, tokens, "patch", url, {"reached": True}) == WRITERS
    w.milestone.refresh_from_db()
    assert w.milestone.reached and w.milestone.milestone == "Kartlegging ferdig"
    [entry] = changes(ChangeAction.MILESTONE_CHANGED)  # the second time nothing changed
    assert (entry.user, entry.old, entry.new) == (
        w.coordinator,
        {"reached": False},
        {"reached": True},
    )
    assert send(client, tokens, "leader", "patch", url, {"reached": False}).status_code == 200
    assert not Milestone.objects.get(pk=w.milestone.pk).reached

    refused = send(client, tokens, "leader", "patch", url, {"number": ""})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "number"
    refused = send(client, tokens, "leader", "patch", url, {"date": "31.31.2027"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "date"
    other = Milestone.objects.create(project=w.project, number="X", milestone="x")
    elsewhere = f"/api/projects/{w.project.pk + 1000}/milestones/{other.pk}"
    assert send(client, tokens, "admin", "patch", elsewhere, {"reached": True}).status_code == 404

    deleted = [204 if s == 200 else s for s in WRITERS]
    assert every_role(client, tokens, "delete", url, None, ROLES[:3]) == deleted[:3]
    assert not Milestone.objects.filter(pk=w.milestone.pk).exists()
    assert changes(ChangeAction.MILESTONE_DELETED)[0].old["number"] == "MP1"


def test_a_measurement_is_saved_and_deleted_as_on_the_indicator_page(client, programme, tokens):
    w = programme
    url = f"/api/indicators/{w.indicator.pk}/measurement"
    body = {"period": "2026-Q4", "value": "6.9"}
    assert every_role(client, tokens, "put", url, body) == WRITERS
    response = send(client, tokens, "leader", "put", url, {"period": "2026-Q4", "value": 6.8})
    assert response.json()["value"] == 6.8
    stored = Measurement.objects.get(indicator=w.indicator, period_end=datetime.date(2026, 12, 31))
    assert stored.value == Decimal("6.8")
    saved = changes(ChangeAction.MEASUREMENT_SAVED)
    assert [entry.user for entry in saved] == [w.coordinator, w.admin, w.leader]
    assert saved[-1].old == {"value": "6.9", "period_end": "2026-12-31"}

    refused = send(client, tokens, "leader", "put", url, {"period": "soon", "value": "1"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "period"
    refused = send(client, tokens, "leader", "put", url, {"period": "2027-Q1", "value": "-3"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "value"
    assert Measurement.objects.filter(indicator=w.indicator).count() == 2

    delete = f"/api/indicators/{w.indicator.pk}/measurements/{stored.pk}"
    assert every_role(client, tokens, "delete", delete, None, ROLES[:5]) == [
        401,
        403,
        204,
        404,
        404,
    ]
    assert not Measurement.objects.filter(pk=stored.pk).exists()
    assert changes(ChangeAction.MEASUREMENT_DELETED)[0].user == w.coordinator


def test_a_project_status_changes_as_on_the_plan_page(client, programme, tokens, settings):
    w = programme
    url = f"/api/projects/{w.project.pk}"
    assert statuses(client, tokens, "get", url) == [401, 200, 200, 404, 404, 200]
    read = call(client, tokens, "leader", "get", url).json()
    assert (read["status"], read["version"]) == ("running", w.project.version)

    def body(role):
        return {"status": "at_risk", "version": Project.objects.get(pk=w.project.pk).version}

    assert every_role(client, tokens, "patch", url, body) == WRITERS
    project = Project.objects.get(pk=w.project.pk)
    assert project.status == "at_risk" and project.version == read["version"] + 2
    assert project.background == "Sykefraværet er høyt."  # the fields not given stay
    assert [f.pk for f in project.findings.all()] == [w.weakness.pk]
    entry = changes(ChangeAction.PLAN_CHANGED)[0]
    assert (entry.user, entry.old, entry.new) == (
        w.coordinator, {"status": "running"}, {"status": "at_risk"},
    )  # fmt: skip

    stale = send(client, tokens, "leader", "patch", url, {"status": "finished", "version": 1})
    assert stale.status_code == 409
    assert Project.objects.get(pk=w.project.pk).status == "at_risk"
    version = project.version
    refused = send(
        client, tokens, "leader", "patch", url, {"status": "dreaming", "version": version}
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "status"
    refused = send(
        client, tokens, "leader", "patch", url, {"plan": {"secret": "x"}, "version": version}
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "plan.secret"
    changed = {"plan": {"goal": "Under 6,5 %"}, "ends": "2027-06-30", "version": version}
    assert send(client, tokens, "leader", "patch", url, changed).status_code == 200
    project = Project.objects.get(pk=w.project.pk)
    assert (project.goal, str(project.ends), project.status) == (
        "Under 6,5 %",
        "2027-06-30",
        "at_risk",
    )
