"""The shape of a report: plain data with no model objects, so a report can be built live from
the database (reports.data.build_report) or rebuilt from a published version's snapshot
(reports.frozen.report_from_data) and rendered the same way either way.

Framework texts (names of areas, sub-areas, questions and dimensions) are copied into the
report, so a later change to the framework cannot change a published report.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import get_language

from kommunekompass.comparisons.ranking import Member, Standing
from kommunekompass.evaluations.models import EvaluationStatus, Finding, Interview, ResultLevel
from kommunekompass.frameworks.spec import pick_text
from kommunekompass.improvement.models import Project
from kommunekompass.scoring.engine import QuestionResult, Result

LocalizedText = dict[str, str]

# Labels shown in the report, looked up when it is rendered (in the reader's language).
STATUS_LABELS = dict(EvaluationStatus.choices)
LEVEL_LABELS = dict(ResultLevel.choices)
FINDING_HEADINGS = Finding.HEADINGS
FINDING_KINDS = list(Finding.Kind.values)
INTERVIEW_LABELS = dict(Interview.Role.choices)
PROJECT_STATUS_LABELS = dict(Project.Status.choices)


@dataclass
class FrameworkInfo:
    key: str
    version: str
    checksum: str
    name: LocalizedText


@dataclass
class EvaluationInfo:
    """Who and what the report is about, as it was when the report was made."""

    id: int
    municipality_name: str
    municipality_number: str
    municipality_county: str
    year: int
    date: datetime.date | None
    status: str
    result_level: str
    published_at: datetime.datetime | None
    framework: FrameworkInfo

    @property
    def pk(self) -> int:
        return self.id

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    @property
    def result_level_label(self) -> str:
        return str(LEVEL_LABELS.get(self.result_level, self.result_level))

    def __str__(self) -> str:
        return f"{self.municipality_name} {self.year}"


@dataclass
class NodeText:
    """An area or sub-area as the report names it."""

    code: str
    name: LocalizedText
    max_points: Fraction


@dataclass
class DimensionText:
    code: str
    name: LocalizedText
    levels: dict[int, LocalizedText] = field(default_factory=dict)  # level value -> label


@dataclass
class QuestionText:
    code: str
    text: LocalizedText
    guidance: LocalizedText
    max_points: Fraction
    dimensions: list[DimensionText]


@dataclass
class FindingItem:
    kind: str
    text: str
    area: str
    position: int
    questions: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        """ "Challenge": the kind of one finding, in the reader's language."""
        return str(dict(Finding.Kind.choices).get(self.kind, self.kind))


@dataclass
class WayForwardItem:
    """One priority of the way forward as the report shows it: its text, the focus areas it
    answers as (code, name in the reader's language), and the findings as FindingItem."""

    text: str
    areas: list[tuple[str, str]]
    findings: list[FindingItem]


@dataclass
class FindingGroup:
    kind: str
    items: list[FindingItem]

    @property
    def heading(self) -> str:
        return str(FINDING_HEADINGS.get(self.kind, self.kind))


@dataclass
class IndicatorFigures:
    name: str
    unit: str
    baseline: Decimal | None
    latest: Decimal | None
    change: Decimal | None
    improved: bool | None
    worsened: bool
    places: int


@dataclass
class ProjectEntry:
    title: str
    status: str
    indicators: list[IndicatorFigures]

    @property
    def status_label(self) -> str:
        return str(PROJECT_STATUS_LABELS.get(self.status, self.status))


@dataclass
class HistoryPoint:
    year: int
    points: Fraction
    current: bool
    version: str

    def __iter__(self):  # (year, points, is this evaluation, framework version)
        return iter((self.year, self.points, self.current, self.version))

    def __getitem__(self, index):
        return tuple(self)[index]


@dataclass
class AreaReport:
    spec: NodeText
    result: Result
    subareas: list[tuple[NodeText, Result | None]]
    findings: list[FindingGroup]
    history: list[HistoryPoint]  # oldest first
    group_average: Fraction | Decimal | None
    # Improvement projects that answer this evaluation, and those that answered the previous one
    projects: list[ProjectEntry] = field(default_factory=list)
    earlier_projects: list[ProjectEntry] = field(default_factory=list)


@dataclass
class QuestionRow:
    spec: QuestionText
    result: QuestionResult
    reason: str
    levels: list[tuple[str, int | None]]  # (dimension code, level) in the scheme's order


@dataclass
class InterviewSummary:
    role: str
    count: int
    first: datetime.date | None
    last: datetime.date | None

    @property
    def label(self) -> str:
        return str(INTERVIEW_LABELS.get(self.role, self.role))


@dataclass
class Report:
    evaluation: EvaluationInfo
    result: Result
    areas: list[AreaReport]
    questions: list[QuestionRow]
    interviews: list[InterviewSummary]
    evaluators: list[str]
    priorities: list[str]
    group_names: LocalizedText  # the comparison group's name in each language
    group: list[Member]  # ranked, highest first
    group_average_total: Fraction | Decimal | None
    standing: Standing
    is_draft: bool
    group_key: str = "all"
    version_note: dict = field(default_factory=dict)
    dimension_codes: list[str] = field(default_factory=list)
    previous_year: int | None = None
    # The demographic forecast attached to the evaluation, as data (forecasts.building.to_data),
    # or {"unavailable": reason}; None when none is attached.
    forecast: dict | None = None
    # Per priority (in the order of `priorities`): what it answers, as
    # {"areas": [area codes], "findings": [{"area", "kind", "text"}]}. Empty in versions
    # published before priorities were linked.
    priority_links: list[dict] = field(default_factory=list)

    @property
    def way_forward(self) -> list[WayForwardItem]:
        language = get_language()
        names = {area.spec.code: pick_text(area.spec.name, language) for area in self.areas}
        items = []
        for index, text in enumerate(self.priorities):
            links = self.priority_links[index] if index < len(self.priority_links) else {}
            items.append(
                WayForwardItem(
                    text=text,
                    areas=[(code, names.get(code, "")) for code in links.get("areas", [])],
                    findings=[
                        FindingItem(kind=f["kind"], text=f["text"], area=f["area"], position=0)
                        for f in links.get("findings", [])
                    ],
                )
            )
        return items

    @property
    def forecast_result(self):
        if not self.forecast or "unavailable" in self.forecast:
            return None
        from kommunekompass.forecasts.building import from_data

        return from_data(self.forecast)

    @property
    def group_name(self) -> str:
        return pick_text(self.group_names, get_language())

    @property
    def info(self) -> EvaluationInfo:
        return self.evaluation

    @property
    def has_projects(self) -> bool:
        return any(area.projects for area in self.areas)

    @property
    def framework(self) -> FrameworkInfo:
        return self.evaluation.framework

    @property
    def missing(self) -> tuple[str, ...]:
        return self.result.missing

    @property
    def complete(self) -> bool:
        return self.result.complete

    @property
    def incomplete(self) -> bool:
        """Published (or about to be) with questions not scored: the report says so."""
        return not self.result.complete


def unscored(node: Result | QuestionResult | None) -> bool:
    """Nothing below this node is scored (or reported): it is shown as "–", never as 0."""
    if node is None:
        return True
    if isinstance(node, QuestionResult):
        return not node.scored
    if not node.children:
        return node.code in node.missing or (
            node.question_count > 0 and len(node.missing) >= node.question_count
        )
    return all(unscored(child) for child in node.children)
