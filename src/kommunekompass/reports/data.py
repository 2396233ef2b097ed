"""Everything a report shows, gathered from the database in a fixed number of queries.

`build_report(evaluation)` returns a `Report`: plain data that the web page, the PDF and the
spreadsheet all render, so the three forms always agree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from kommunekompass.comparisons.groups import Group, UnknownGroup, get_group, latest_evaluations
from kommunekompass.comparisons.history import municipality_rounds
from kommunekompass.comparisons.ranking import (
    Member,
    Standing,
    average_by_area,
    average_total,
    ranked,
    standing,
)
from kommunekompass.evaluations.models import Evaluation, Finding, Interview, Score
from kommunekompass.evaluations.scores import evaluation_result
from kommunekompass.evaluations.summaries import summaries_for, summary_of
from kommunekompass.frameworks.spec import AreaSpec, QuestionSpec, SubAreaSpec
from kommunekompass.improvement.loop import loop_for
from kommunekompass.scoring.engine import QuestionResult, Result, find


@dataclass
class AreaReport:
    spec: AreaSpec
    result: Result
    subareas: list[tuple[SubAreaSpec, Result]]
    findings: list[tuple[str, str, list[Finding]]]  # (kind, heading, findings)
    # (year, points, is this evaluation, framework version), oldest first
    history: list[tuple[int, Fraction, bool, str]]
    group_average: Fraction | None
    # Improvement projects that answer this evaluation, and those that answered the previous one
    projects: list = field(default_factory=list)
    earlier_projects: list = field(default_factory=list)


@dataclass
class QuestionRow:
    spec: QuestionSpec
    result: QuestionResult
    reason: str
    levels: list[tuple[str, int | None]]  # (dimension code, level) in the scheme's order


@dataclass
class InterviewSummary:
    role: str
    count: int
    first: object
    last: object


@dataclass
class Report:
    evaluation: Evaluation
    result: Result
    areas: list[AreaReport]
    questions: list[QuestionRow]
    interviews: list[InterviewSummary]
    evaluators: list[str]
    priorities: list[str]
    group_name: str
    group: list[Member]  # ranked, highest first
    group_average_total: Fraction | None
    standing: Standing
    is_draft: bool
    group_key: str = "all"
    version_note: dict = field(default_factory=dict)
    dimension_codes: list[str] = field(default_factory=list)
    previous_evaluation: Evaluation | None = None

    @property
    def has_projects(self) -> bool:
        return any(area.projects for area in self.areas)

    @property
    def spec(self):
        return self.evaluation.framework.spec

    @property
    def missing(self) -> tuple[str, ...]:
        return self.result.missing


def _area_points(result: Result) -> dict[str, Fraction]:
    return {area.code: area.points for p in result.children for area in p.children}


def comparison_group(evaluation: Evaluation, group: Group) -> list[Evaluation]:
    """The group's latest published evaluations, with this evaluation in place of its own
    municipality's."""
    others = [
        e
        for e in latest_evaluations(group, evaluation.framework)
        if e.municipality_id != evaluation.municipality_id
    ]
    return [evaluation, *others]


def chosen_group(evaluation: Evaluation, key: str | None = None) -> Group:
    for candidate in (key, evaluation.comparison_group, "all"):
        if candidate:
            try:
                return get_group(candidate)
            except UnknownGroup:
                continue
    return get_group("all")


def build_report(evaluation: Evaluation, group_key: str | None = None) -> Report:
    spec = evaluation.framework.spec
    group_spec = chosen_group(evaluation, group_key)
    group = comparison_group(evaluation, group_spec)
    result = evaluation_result(evaluation)
    summaries = summaries_for([e for e in group if e.pk != evaluation.pk])
    summaries[evaluation.pk] = summary_of(evaluation.pk, result)
    rounds = [
        r
        for r in municipality_rounds(evaluation.municipality, evaluation.framework)
        if r.year <= evaluation.year and r.evaluation.pk != evaluation.pk
    ]

    members = [
        Member(
            key=e.pk,
            name=e.municipality.name,
            year=e.year,
            total=summaries[e.pk].total,
            areas=summaries[e.pk].areas,
        )
        for e in group
        if e.pk == evaluation.pk or summaries[e.pk].complete
    ]
    averages = average_by_area(members)

    history_by_area: dict[str, list] = defaultdict(list)
    for earlier in rounds:
        for code, points in earlier.areas.items():
            history_by_area[code].append((earlier.year, points, False, earlier.version))
    for code, points in _area_points(result).items():
        history_by_area[code].append((evaluation.year, points, True, evaluation.framework.version))
    version_note = next((r.note for r in rounds if r.mapped), {})

    findings_by_area: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for finding in (
        Finding.objects.filter(evaluation=evaluation)
        .select_related("focus_area")
        .order_by("position", "id")
    ):
        findings_by_area[finding.focus_area.code][finding.kind].append(finding)

    loop = loop_for(evaluation)
    areas = []
    for area in spec.areas:
        node = find(result, area.code)
        areas.append(
            AreaReport(
                spec=area,
                result=node,
                subareas=[(s, find(node, s.code)) for s in area.subareas],
                findings=[
                    (kind, str(Finding.HEADINGS[kind]), findings_by_area[area.code][kind])
                    for kind in Finding.Kind.values
                ],
                history=history_by_area[area.code],
                group_average=averages.get(area.code),
                projects=loop.answering.get(area.code, []),
                earlier_projects=loop.since_previous.get(area.code, []),
            )
        )

    reasons = dict(
        Score.objects.filter(evaluation=evaluation).values_list("question__code", "reason")
    )
    dimension_codes: list[str] = []
    for scheme in spec.schemes:
        for dimension in scheme.dimensions:
            if dimension.code not in dimension_codes:
                dimension_codes.append(dimension.code)
    questions = []
    # An evaluation known only per sub-area or area has no questions to list.
    for question in spec.questions if evaluation.result_level == "question" else ():
        question_result = find(result, question.code)
        questions.append(
            QuestionRow(
                spec=question,
                result=question_result,
                reason=reasons.get(question.code, ""),
                levels=[
                    (d.code, question_result.levels.get(d.code)) for d in question.scheme.dimensions
                ],
            )
        )

    interviews = defaultdict(list)
    for interview in evaluation.interviews.filter(held=True):
        interviews[interview.role].append(interview.date)
    summaries = [
        InterviewSummary(
            role=str(label),
            count=len(interviews[role]),
            first=min((d for d in interviews[role] if d), default=None),
            last=max((d for d in interviews[role] if d), default=None),
        )
        for role, label in Interview.Role.choices
        if interviews.get(role)
    ]

    return Report(
        evaluation=evaluation,
        result=result,
        areas=areas,
        questions=questions,
        interviews=summaries,
        evaluators=[
            u.get_full_name() or u.username
            for u in evaluation.evaluators.order_by("first_name", "username")
        ],
        priorities=list(evaluation.priorities.values_list("text", flat=True)),
        group_name=group_spec.name,
        group_key=group_spec.key,
        version_note=version_note,
        group=ranked(members),
        group_average_total=average_total(members),
        standing=standing(members, evaluation.pk),
        is_draft=not evaluation.is_published,
        dimension_codes=dimension_codes,
        previous_evaluation=loop.previous,
    )
