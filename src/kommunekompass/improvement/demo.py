"""Loading the demo improvement programme of Fjordvik kommune (demo/programme.yaml, fictional
like the rest of the demo): the steering group, the project group and three projects that
answer findings of Fjordvik's published 2026 evaluation, each with its plan, decision points,
milestones, risks, indicators and measurements.

Dates of projects, decision points, milestones and measurements are relative to `today` (the
conventions are written at the top of the YAML file), so the demo always has a milestone
overdue, one coming up, and measurements for the last quarters.
Idempotent: nothing is done when Fjordvik has a programme already.
"""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import transaction

from kommunekompass.evaluations.models import Evaluation, Municipality
from kommunekompass.frameworks.models import FocusArea, Framework
from kommunekompass.improvement import measures, services
from kommunekompass.improvement.measurement_import import PlannedMeasurement
from kommunekompass.improvement.models import (
    DecisionPoint,
    GroupMember,
    Indicator,
    Milestone,
    Programme,
    Project,
    Risk,
)

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "programme.yaml"
K_PLACES = Decimal("0.0001")

# the fields of a project's plan that are copied from the YAML file as they are
PLAN_FIELDS = (
    "title",
    "background",
    "goal",
    "frames",
    "scope",
    "reports",
    "project_leader",
    "responsible_leader",
    "unit",
    "quality_assurance",
    "main_activities",
)


def quarter_ends_before(today: datetime.date, count: int) -> list[datetime.date]:
    """The last `count` quarter ends strictly before `today`, oldest first."""
    year, month = today.year, (today.month - 1) // 3 * 3  # the end month of the last quarter
    ends = []
    while len(ends) < count:
        if month == 0:
            year, month = year - 1, 12
        ends.append(datetime.date(year, month, calendar.monthrange(year, month)[1]))
        month -= 3
    return list(reversed(ends))


def _date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _decimal(value) -> Decimal:
    # str() first, so that a number YAML reads as a float keeps the digits as written
    return Decimal(str(value))


@transaction.atomic
def load_demo_programme(users: dict, today: datetime.date) -> bool:
    """Create Fjordvik's improvement programme through the programme's services, as the demo
    coordinator. True if created, False if it was there (or Fjordvik is not loaded)."""
    data = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    place = data["municipality"]
    municipality = Municipality.objects.filter(
        country=place["country"], number=str(place["number"])
    ).first()
    if municipality is None or Programme.objects.filter(municipality=municipality).exists():
        return False
    coordinator = users.get("coordinator")
    Programme.objects.create(
        municipality=municipality,
        name=data["programme"]["name"],
        started=_date(data["programme"]["started"]),
    )
    for member in data["members"]:
        services.add_member(
            coordinator,
            municipality,
            {
                "group": GroupMember.Group(member["group"]),
                "name": member["name"],
                "title": member["title"],
                "party": GroupMember.Party(member["party"]),
                "function": GroupMember.Function(member["function"]),
                "user": users.get(member["user"]) if member.get("user") else None,
            },
        )
    spec = data["evaluation"]
    evaluation = (
        Evaluation.objects.published()
        .of(municipality)
        .filter(year=spec["year"], framework__key=spec["framework"])
        .first()
    )
    framework = (
        evaluation.framework
        if evaluation
        else Framework.objects.get(key=spec["framework"], version=str(spec["framework_version"]))
    )
    areas = {area.code: area for area in FocusArea.objects.filter(framework=framework)}
    for project in data["projects"]:
        _create_project(coordinator, municipality, evaluation, areas, project, today)
    return True


def _create_project(user, municipality, evaluation, areas, data, today) -> Project:
    def day(offset: int) -> datetime.date:
        return today + datetime.timedelta(days=offset)

    # get(): a finding text that no longer matches the demo evaluation is an error
    findings = (
        [evaluation.findings.get(text=text) for text in data["findings"]] if evaluation else []
    )
    project = services.start_project(
        user,
        municipality,
        {
            "evaluation": evaluation,
            "status": Project.Status(data["status"]),
            "starts": day(data["starts_in_days"]),
            "ends": day(data["ends_in_days"]),
            **{field: data[field] for field in PLAN_FIELDS},
        },
        findings=findings,
        focus_areas=[areas[str(code)] for code in data["focus_areas"]],
    )
    for number, point in enumerate(data["decision_points"], start=1):
        services.add_row(
            user,
            project,
            DecisionPoint,
            {
                "number": number,
                "decision": point["decision"],
                "date": day(point["date_in_days"]),
                "basis": point["basis"],
            },
        )
    for milestone in data["milestones"]:
        services.add_row(
            user,
            project,
            Milestone,
            {
                "number": milestone["number"],
                "milestone": milestone["milestone"],
                "date": day(milestone["date_in_days"]),
                "measurable_result": milestone["measurable_result"],
                "reached": milestone["reached"],
            },
        )
    for risk in data["risks"]:
        services.add_row(
            user,
            project,
            Risk,
            {
                "factor": risk["factor"],
                "likelihood": risk["likelihood"],
                "impact": risk["impact"],
                "measure": risk["measure"],
            },
        )
    for spec in data["indicators"]:
        _create_indicator(user, project, spec, today)
    if data.get("public"):
        services.set_public(user, project, True)
    return project


def _create_indicator(user, project, spec, today) -> Indicator:
    indicator = services.add_row(
        user,
        project,
        Indicator,
        {
            "kind": Indicator.Kind(spec["kind"]),
            "name": spec["name"],
            "unit": spec["unit"],
            "organisation_unit": spec["organisation_unit"],
            "higher_is_better": spec["higher_is_better"],
            "baseline": _decimal(spec["baseline"]),
            "target": _decimal(spec["target"]),
            "frequency": Indicator.Frequency(spec["frequency"]),
        },
    )
    if "scores" in spec:
        # experience (O) and expectation (F), stored with their K = O/F
        scores = [
            (_decimal(score["experience"]), _decimal(score["expectation"]))
            for score in spec["scores"]
        ]
        ends = quarter_ends_before(today, len(scores))
        planned = [
            PlannedMeasurement(0, end, measures.experienced_quality(o, f).quantize(K_PLACES), o, f)
            for end, (o, f) in zip(ends, scores, strict=True)
        ]
    else:
        values = [_decimal(value) for value in spec["values"]]
        ends = quarter_ends_before(today, len(values))
        planned = [
            PlannedMeasurement(0, end, value) for end, value in zip(ends, values, strict=True)
        ]
    services.write_measurements(user, indicator, planned)
    return indicator
