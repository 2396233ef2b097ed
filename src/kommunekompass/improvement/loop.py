"""Closing the loop between evaluations and improvement work.

- the way forward of an evaluation's report: the projects that answer the evaluation, per focus
  area, with their indicators' change since baseline;
- a later evaluation shows, per focus area, the projects run since the previous evaluation:
  those that answer the municipality's previous published evaluation.

Projects are matched to areas by focus-area code, so a project linked to area 8 of one framework
version shows under area 8 of the next.

Only the projects the municipality's coordinators marked as public (`Project.public`) are shown,
and of them only what a published report may show: the title, the status and the indicators'
figures (`PublicProject`, `PublicIndicator`), never the plan's texts or names.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from kommunekompass.evaluations.models import Evaluation
from kommunekompass.improvement.dashboard import IndicatorRow, indicator_rows
from kommunekompass.improvement.models import Indicator, Measurement, Project


@dataclass(frozen=True)
class PublicProject:
    """What a published report shows of a project."""

    pk: int
    title: str
    status: str
    status_label: str

    def get_status_display(self) -> str:
        return self.status_label


@dataclass(frozen=True)
class PublicIndicator:
    """What a published report shows of an indicator."""

    pk: int
    name: str
    unit: str
    higher_is_better: bool
    baseline: Decimal | None
    target: Decimal | None
    kind: str = "custom"  # decides the decimals its figures are shown with


@dataclass
class LoopProject:
    project: PublicProject
    indicators: list[IndicatorRow]


@dataclass
class Loop:
    answering: dict[str, list[LoopProject]] = field(default_factory=dict)
    previous: Evaluation | None = None
    since_previous: dict[str, list[LoopProject]] = field(default_factory=dict)


def previous_evaluation(evaluation: Evaluation) -> Evaluation | None:
    return (
        Evaluation.objects.published()
        .filter(municipality_id=evaluation.municipality_id, year__lt=evaluation.year)
        .order_by("-year", "-id")
        .first()
    )


def _public_row(row: IndicatorRow) -> IndicatorRow:
    indicator = row.indicator
    public = PublicIndicator(
        pk=indicator.pk,
        name=indicator.name,
        unit=indicator.unit,
        higher_is_better=indicator.higher_is_better,
        baseline=indicator.baseline,
        target=indicator.target,
        kind=indicator.kind,
    )
    return IndicatorRow(public, row.status, row.values)


def _entry(project: Project) -> LoopProject:
    return LoopProject(
        PublicProject(
            pk=project.pk,
            title=project.title,
            status=project.status,
            status_label=str(project.get_status_display()),
        ),
        [_public_row(row) for row in indicator_rows(project.indicators.all())],
    )


def _by_area(projects) -> dict[str, list[LoopProject]]:
    areas: dict[str, list[LoopProject]] = defaultdict(list)
    for project in projects:
        entry = _entry(project)
        for code in sorted({area.code for area in project.focus_areas.all()}):
            areas[code].append(entry)
    return dict(areas)


def _projects(evaluation_ids: list[int]):
    from django.db.models import Prefetch

    return (
        Project.objects.filter(evaluation_id__in=evaluation_ids, public=True)
        .order_by("title")
        .prefetch_related(
            "focus_areas",
            Prefetch(
                "indicators",
                queryset=Indicator.objects.prefetch_related(
                    Prefetch("measurements", queryset=Measurement.objects.order_by("period_end"))
                ),
            ),
        )
    )


def loop_for(evaluation: Evaluation) -> Loop:
    """The public projects answering `evaluation` and those answering the one before it, per
    area."""
    previous = previous_evaluation(evaluation)
    return _loops([(evaluation, previous)])[evaluation.pk]


def loops_for(evaluations: list[Evaluation]) -> dict[int, Loop]:
    """`loop_for` of many evaluations at once, in two queries: {evaluation id: loop}."""
    published = (
        Evaluation.objects.filter(
            municipality_id__in={e.municipality_id for e in evaluations},
            status=Evaluation.Status.PUBLISHED,
        )
        .order_by("-year", "-id")
        .only("pk", "municipality_id", "year")
    )
    by_municipality: dict[int, list[Evaluation]] = defaultdict(list)
    for candidate in published:
        by_municipality[candidate.municipality_id].append(candidate)
    pairs = []
    for evaluation in evaluations:
        earlier = (
            e for e in by_municipality[evaluation.municipality_id] if e.year < evaluation.year
        )
        pairs.append((evaluation, next(earlier, None)))  # latest first: as previous_evaluation
    return _loops(pairs)


def _loops(pairs) -> dict[int, Loop]:
    """{evaluation id: loop} for (evaluation, previous evaluation or None) pairs."""
    ids = {e.pk for pair in pairs for e in pair if e is not None}
    projects: dict[int, list[Project]] = defaultdict(list)
    for project in _projects(sorted(ids)):
        projects[project.evaluation_id].append(project)
    return {
        evaluation.pk: Loop(
            answering=_by_area(projects[evaluation.pk]),
            previous=previous,
            since_previous=_by_area(projects[previous.pk] if previous is not None else []),
        )
        for evaluation, previous in pairs
    }
