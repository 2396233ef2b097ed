"""What the programme's dashboard shows, gathered in a fixed number of queries.

Projects by status, milestones overdue and due in the next 30 days, indicators off target,
the challenges and weaknesses of the latest published evaluation that no project answers, and
whether all three parties take part in each group.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch

from kommunekompass.evaluations.models import Evaluation, Finding
from kommunekompass.improvement import measures
from kommunekompass.improvement.charts import indicator_chart
from kommunekompass.improvement.models import (
    GroupMember,
    Indicator,
    Measurement,
    Milestone,
    Programme,
    Project,
)
from kommunekompass.improvement.periods import period_label


@dataclass
class IndicatorRow:
    indicator: Indicator
    status: measures.IndicatorStatus
    values: list[tuple[datetime.date, object]]

    @property
    def places(self) -> int:
        """One number of decimals for every figure of the indicator (measures.indicator_decimals):
        7,0 beside 7,6 for sick leave."""
        figures = [value for _date, value in self.values]
        figures += [self.indicator.baseline, self.indicator.target]
        return measures.indicator_decimals(self.indicator.kind, self.indicator.unit, figures)


@dataclass
class ProjectRow:
    project: Project
    milestones: list[Milestone]
    overdue: list[Milestone]
    indicators: list[IndicatorRow]

    @property
    def reached(self) -> int:
        return sum(1 for m in self.milestones if m.reached)


@dataclass
class GroupRow:
    key: str
    label: str
    members: list[GroupMember]
    missing: list[str]  # labels of the tripartite parties without anybody in the group


@dataclass
class Dashboard:
    programme: Programme | None
    projects: list[ProjectRow] = field(default_factory=list)
    by_status: list[tuple[str, str, list[ProjectRow]]] = field(default_factory=list)
    overdue: list[tuple[Project, Milestone]] = field(default_factory=list)
    due_soon: list[tuple[Project, Milestone]] = field(default_factory=list)
    off_target: list[tuple[Project, IndicatorRow]] = field(default_factory=list)
    groups: list[GroupRow] = field(default_factory=list)
    latest_evaluation: Evaluation | None = None
    unanswered: list[Finding] = field(default_factory=list)


def indicator_rows(indicators) -> list[IndicatorRow]:
    """Each indicator with its measurements (prefetched) and how it stands."""
    rows = []
    for indicator in indicators:
        values = [(m.period_end, m.value) for m in indicator.measurements.all()]
        status = measures.indicator_status(
            indicator.baseline, indicator.target, values, indicator.higher_is_better
        )
        rows.append(IndicatorRow(indicator, status, values))
    return rows


def chart_for(indicator: Indicator, language: str) -> str:
    """The indicator's chart as inline SVG, over period labels (measurements prefetched)."""
    return indicator_chart(
        [
            (period_label(m.period_end, indicator.frequency, language), float(m.value))
            for m in indicator.measurements.all()
        ],
        baseline=float(indicator.baseline) if indicator.baseline is not None else None,
        target=float(indicator.target) if indicator.target is not None else None,
        unit=indicator.unit,
        higher_is_better=indicator.higher_is_better,
        language=language,
        salt=f"indicator-{indicator.pk}",
    )


def project_rows(projects, today: datetime.date) -> list[ProjectRow]:
    """Rows for projects fetched with `projects_with_details`."""
    rows = []
    for project in projects:
        milestones = list(project.milestones.all())
        overdue = [m for m in milestones if measures.is_overdue(m.date, m.reached, today)]
        rows.append(
            ProjectRow(project, milestones, overdue, indicator_rows(project.indicators.all()))
        )
    return rows


def projects_with_details(queryset):
    return queryset.prefetch_related(
        "milestones",
        Prefetch(
            "indicators",
            queryset=Indicator.objects.prefetch_related(
                Prefetch("measurements", queryset=Measurement.objects.order_by("period_end"))
            ),
        ),
        "focus_areas",
    )


def build_dashboard(municipality, today: datetime.date) -> Dashboard:
    programme = Programme.objects.filter(municipality=municipality).first()
    latest = Evaluation.objects.published().of(municipality).order_by("-year", "-id").first()
    unanswered = []
    if latest is not None:
        unanswered = list(
            Finding.objects.filter(
                evaluation=latest,
                kind__in=[Finding.Kind.CHALLENGE, Finding.Kind.WEAKNESS],
                projects__isnull=True,
            )
            .select_related("focus_area")
            .order_by("focus_area__position", "-kind", "position", "id")
        )
    board = Dashboard(programme=programme, latest_evaluation=latest, unanswered=unanswered)
    if programme is None:
        board.groups = group_rows([])
        return board

    board.projects = project_rows(
        projects_with_details(Project.objects.filter(programme=programme)), today
    )
    for status, label in Project.Status.choices:
        board.by_status.append(
            (status, str(label), [row for row in board.projects if row.project.status == status])
        )
    for row in board.projects:
        for milestone in row.overdue:
            board.overdue.append((row.project, milestone))
        for milestone in row.milestones:
            if measures.is_due_within(milestone.date, milestone.reached, today):
                board.due_soon.append((row.project, milestone))
        for indicator in row.indicators:
            if indicator.status.on_target is False:
                board.off_target.append((row.project, indicator))
    board.overdue.sort(key=lambda pair: pair[1].date)
    board.due_soon.sort(key=lambda pair: pair[1].date)
    board.groups = group_rows(list(programme.members.select_related("user")))
    return board


def group_rows(members: list[GroupMember]) -> list[GroupRow]:
    parties = dict(GroupMember.Party.choices)
    rows = []
    for key, label in GroupMember.Group.choices:
        in_group = [m for m in members if m.group == key]
        missing = measures.missing_parties([m.party for m in in_group])
        rows.append(GroupRow(key, str(label), in_group, [str(parties[p]) for p in missing]))
    return rows
