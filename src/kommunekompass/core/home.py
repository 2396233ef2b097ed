"""What a person's home page and the public front page show, gathered in a fixed number of
queries whatever the data.

Home: the evaluations one works on (team, reviewer, coordinator) or may read (reader), the
reviews that wait for one, and the improvement programmes one may read with their projects,
the milestones due in the next seven days and overdue, and the indicators off target.

Front page: the municipalities with published reports (only their published versions), found
by name, number or county, and the comparison of the latest published results.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q

from kommunekompass.comparisons.charts import cached_distribution_chart
from kommunekompass.comparisons.groups import get_group, group_rows
from kommunekompass.comparisons.ranking import average_total, ranked
from kommunekompass.evaluations.access import (
    member_published_evaluations,
    work_visible_evaluations,
)
from kommunekompass.evaluations.models import Evaluation, Municipality
from kommunekompass.evaluations.services.workflow import four_eyes
from kommunekompass.frameworks.models import Framework
from kommunekompass.improvement import measures
from kommunekompass.improvement.access import visible_municipalities
from kommunekompass.improvement.models import Indicator, Measurement, Milestone, Project

DUE_DAYS = 7
MOST = 20  # rows of one kind on the home page; the pages behind the links have the rest


@dataclass
class ProgrammeBox:
    municipality: Municipality
    projects: list[Project] = field(default_factory=list)
    due: list[Milestone] = field(default_factory=list)
    overdue: list[Milestone] = field(default_factory=list)
    off_target: list[tuple[Indicator, object]] = field(default_factory=list)


def _evaluations(queryset):
    return queryset.with_framework().order_by("-year", "municipality__name", "-pk")


def programme_boxes(user, today: datetime.date) -> list[ProgrammeBox]:
    """The improvement programmes `user` may read, with what needs attention: five queries."""
    municipalities = list(
        visible_municipalities(user).filter(programme__isnull=False).order_by("name")[:MOST]
    )
    if not municipalities:
        return []
    boxes = {m.pk: ProgrammeBox(m) for m in municipalities}
    projects = Project.objects.filter(programme__municipality__in=municipalities).select_related(
        "programme"
    )
    for project in projects.order_by("title"):
        boxes[project.programme.municipality_id].projects.append(project)
    milestones = Milestone.objects.in_programmes_of(municipalities).select_related(
        "project__programme"
    )
    for milestone in milestones.due_within(DUE_DAYS, today).order_by("date", "number")[:MOST]:
        boxes[milestone.project.programme.municipality_id].due.append(milestone)
    for milestone in milestones.overdue(today).order_by("date", "number")[:MOST]:
        boxes[milestone.project.programme.municipality_id].overdue.append(milestone)
    indicators = (
        Indicator.objects.filter(
            project__programme__municipality__in=municipalities, target__isnull=False
        )
        .select_related("project__programme")
        .prefetch_related(
            Prefetch("measurements", queryset=Measurement.objects.order_by("period_end"))
        )
    )
    for indicator in indicators:
        values = [(m.period_end, m.value) for m in indicator.measurements.all()]
        if measures.is_off_target(indicator.target, values, indicator.higher_is_better):
            box = boxes[indicator.project.programme.municipality_id]
            box.off_target.append((indicator, values[-1][1]))
    return list(boxes.values())


def home_context(user, today: datetime.date) -> dict:
    return {
        "working": list(_evaluations(work_visible_evaluations(user))[:MOST]),
        "published": list(_evaluations(member_published_evaluations(user))[:MOST]),
        "reviews": list(
            _evaluations(Evaluation.objects.awaiting_review_by(user, four_eyes=four_eyes()))
        ),
        "programmes": programme_boxes(user, today),
    }


# --- the public front page --------------------------------------------------------------------

FRONT_PAGE_SIZE = 25
TOP = 10


def search_filter(text: str) -> Q:
    """Municipalities whose name or county holds the text, or whose number starts with it."""
    text = text.strip()
    if not text:
        return Q()
    return Q(name__icontains=text) | Q(county__icontains=text) | Q(number__startswith=text)


def published_municipalities(text: str, page_number):
    """A page of the municipalities with a published report, those the search finds, each
    with its public evaluations (`public_evaluations`, latest first): three queries."""
    public = Evaluation.objects.public()
    municipalities = (
        Municipality.objects.filter(Exists(public.filter(municipality=OuterRef("pk"))))
        .filter(search_filter(text))
        .order_by("name", "number")
        .prefetch_related(
            Prefetch(
                "evaluations",
                queryset=public.with_framework().order_by("-year", "-pk"),
                to_attr="public_evaluations",
            )
        )
    )
    return Paginator(municipalities, FRONT_PAGE_SIZE).get_page(page_number)


@dataclass
class FrontComparison:
    framework: Framework
    group_name: str
    top: list = field(default_factory=list)
    count: int = 0
    average: object = None
    chart: str = ""


def front_comparison() -> FrontComparison | None:
    """The ranking of the latest published results of every evaluated municipality in the main
    framework (complete results only, as the comparison page shows by default)."""
    frameworks = Framework.objects.defer("document", "source")
    framework = frameworks.filter(key="kommunekompass").order_by("-version").first()
    if framework is None:
        return None
    group = get_group("all")
    members = [m for m in group_rows(group, framework) if m.complete]
    order = ranked(members)
    first_place: dict = {}  # equal totals share the better rank, as on the comparison page
    for position, member in enumerate(order, start=1):
        first_place.setdefault(member.total, position)
    return FrontComparison(
        framework=framework,
        group_name=group.name,
        top=[(first_place[m.total], m) for m in order[:TOP]],
        count=len(members),
        average=average_total(members),
        chart=cached_distribution_chart(members, None, framework.spec.max_points),
    )
