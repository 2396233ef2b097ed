"""A Fjordvik programme with a person in every role, for the improvement tests."""

import datetime
from decimal import Decimal

import pytest

from kommunekompass.evaluations.models import Finding
from kommunekompass.frameworks.models import FocusArea
from kommunekompass.improvement.models import (
    DecisionPoint,
    GroupMember,
    Indicator,
    Measurement,
    Milestone,
    Programme,
    Project,
    Risk,
)
from tests.factories import make_user

TODAY = datetime.date(2026, 11, 22)


@pytest.fixture
def frozen_today(monkeypatch):
    """The views' today, fixed, so overdue and due-soon milestones do not move."""
    monkeypatch.setattr("kommunekompass.improvement.views.programme.today", lambda: TODAY)
    monkeypatch.setattr("kommunekompass.improvement.views.projects.today", lambda: TODAY)
    return TODAY


@pytest.fixture
def programme(world, frozen_today):
    """world + Fjordvik's programme: a project leader and a steering-group member with
    accounts, a weakness of the published 2023 evaluation, a project answering it, with a
    decision point, an overdue milestone, a risk and a sick-leave indicator off target."""
    return make_programme(world)


def make_programme(w):
    """The `programme` fixture's data on a World, as a plain function (for module scope)."""
    area = FocusArea.objects.get(framework=w.framework, code="8")
    w.weakness = Finding.objects.create(
        evaluation=w.published, focus_area=area, kind="weakness", text="For høyt sykefravær"
    )
    w.strength = Finding.objects.create(
        evaluation=w.published, focus_area=area, kind="strength", text="Godt lederprogram"
    )
    w.draft_weakness = Finding.objects.create(
        evaluation=w.draft, focus_area=area, kind="weakness", text="Utkast"
    )
    w.programme = Programme.objects.create(municipality=w.fjordvik)
    w.leader = make_user("leader")
    w.steering = make_user("steering")
    w.nordhei_coordinator = make_user("nordheicoordinator", coordinator_of=w.nordhei)
    GroupMember.objects.create(
        programme=w.programme,
        group="project",
        name="Per Hovland",
        party="management",
        function="project_leader",
        user=w.leader,
    )
    GroupMember.objects.create(
        programme=w.programme, group="steering", name="Tone Bakke", party="union", user=w.steering
    )
    w.member = GroupMember.objects.create(
        programme=w.programme, group="steering", name="Ola Ordfører", party="elected"
    )
    w.project = Project.objects.create(
        programme=w.programme,
        title="Nærvær i hjemmetjenesten",
        status="running",
        evaluation=w.published,
        background="Sykefraværet er høyt.",
    )
    w.project.findings.add(w.weakness)
    w.project.focus_areas.add(area)
    w.decision = DecisionPoint.objects.create(project=w.project, number=1, decision="Godkjent")
    w.milestone = Milestone.objects.create(
        project=w.project,
        number="MP1",
        milestone="Kartlegging ferdig",
        date=TODAY - datetime.timedelta(days=10),
    )
    w.risk = Risk.objects.create(project=w.project, factor="Høyt arbeidspress")
    w.indicator = Indicator.objects.create(
        project=w.project,
        kind="sick_leave",
        name="Sykefravær",
        unit="%",
        higher_is_better=False,
        baseline=Decimal("7.8"),
        target=Decimal("6.5"),
    )
    w.measurement = Measurement.objects.create(
        indicator=w.indicator, period_end=datetime.date(2026, 9, 30), value=Decimal("7.2")
    )
    return w
