"""Everything a report shows, gathered from the database in a fixed number of queries.

`build_report(evaluation)` returns a `Report` (reports.shapes): plain data without model
objects that the web page, the PDF and the spreadsheet all render, so the three forms always
agree. `report_to_data` and `report_from_data` (reports.frozen) turn it into JSON-ready data
and back: a published version keeps that data and is rendered from it.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from django.conf import settings
from django.utils import translation

from kommunekompass.comparisons.groups import (
    Group,
    UnknownGroup,
    get_group,
    latest_evaluations,
    report_group,
)
from kommunekompass.comparisons.history import municipality_rounds
from kommunekompass.comparisons.ranking import (
    Member,
    average_by_area,
    average_total,
    ranked,
    standing,
)
from kommunekompass.evaluations.models import Evaluation, Finding, Interview, Score
from kommunekompass.evaluations.scores import evaluation_result
from kommunekompass.evaluations.summaries import summaries_for, summary_of
from kommunekompass.forecasts.building import attached_forecast_data
from kommunekompass.frameworks.spec import AreaSpec, QuestionSpec, SubAreaSpec
from kommunekompass.improvement.loop import loop_for
from kommunekompass.reports.frozen import report_from_data, report_to_data
from kommunekompass.reports.shapes import (
    AreaReport,
    DimensionText,
    EvaluationInfo,
    FindingGroup,
    FindingItem,
    FrameworkInfo,
    HistoryPoint,
    IndicatorFigures,
    InterviewSummary,
    NodeText,
    ProjectEntry,
    QuestionRow,
    QuestionText,
    Report,
)
from kommunekompass.scoring.engine import Result, find

__all__ = [
    "AreaReport",
    "EvaluationInfo",
    "QuestionRow",
    "Report",
    "build_report",
    "report_from_data",
    "report_to_data",
]


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
    """The group `key` names, else the one chosen for the evaluation's report (or "all")."""
    if key:
        try:
            return get_group(key)
        except UnknownGroup:
            pass
    return report_group(evaluation)


def group_names(group: Group) -> dict[str, str]:
    """The group's name in each language of the site (a custom group has one name)."""
    if group.key.startswith("custom-"):
        return {code: str(group.name) for code, _label in settings.LANGUAGES}
    names = {}
    for code, _label in settings.LANGUAGES:
        with translation.override(code):
            names[code] = str(get_group(group.key).name)
    return names


def evaluation_info(evaluation: Evaluation) -> EvaluationInfo:
    framework = evaluation.framework
    municipality = evaluation.municipality
    return EvaluationInfo(
        id=evaluation.pk,
        municipality_name=municipality.name,
        municipality_number=municipality.number,
        municipality_county=municipality.county,
        year=evaluation.year,
        date=evaluation.date,
        status=evaluation.status,
        result_level=evaluation.result_level,
        published_at=evaluation.published_at,
        framework=FrameworkInfo(
            key=framework.key,
            version=framework.version,
            checksum=framework.checksum,
            name=dict(framework.spec.name),
        ),
    )


def _node_text(spec: AreaSpec | SubAreaSpec) -> NodeText:
    return NodeText(code=spec.code, name=dict(spec.name), max_points=spec.max_points)


def _question_text(question: QuestionSpec) -> QuestionText:
    return QuestionText(
        code=question.code,
        text=dict(question.text),
        guidance=dict(question.guidance or {}),
        max_points=question.max_points,
        dimensions=[
            DimensionText(
                code=d.code,
                name=dict(d.name),
                levels={level.value: dict(level.label) for level in d.levels},
            )
            for d in question.scheme.dimensions
        ],
    )


def _project_entries(loop_projects) -> list[ProjectEntry]:
    """The improvement loop's projects as the report shows them: frozen figures only."""
    return [
        ProjectEntry(
            title=entry.project.title,
            status=entry.project.status,
            indicators=[
                IndicatorFigures(
                    name=row.indicator.name,
                    unit=row.indicator.unit,
                    baseline=row.indicator.baseline,
                    latest=row.status.latest,
                    change=row.status.change,
                    improved=row.status.improved,
                    worsened=bool(row.status.worsened),
                    places=row.places,
                )
                for row in entry.indicators
            ],
        )
        for entry in loop_projects
    ]


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
            history_by_area[code].append(
                HistoryPoint(earlier.year, Fraction(points), False, earlier.version)
            )
    for code, points in _area_points(result).items():
        history_by_area[code].append(
            HistoryPoint(evaluation.year, points, True, evaluation.framework.version)
        )
    version_note = next((r.note for r in rounds if r.mapped), {})

    findings_by_area: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for finding in (
        Finding.objects.filter(evaluation=evaluation)
        .select_related("focus_area")
        .prefetch_related("questions")
        .order_by("position", "id")
    ):
        findings_by_area[finding.focus_area.code][finding.kind].append(
            FindingItem(
                kind=finding.kind,
                text=finding.text,
                area=finding.focus_area.code,
                position=finding.position,
                questions=sorted(q.code for q in finding.questions.all()),
            )
        )

    loop = loop_for(evaluation)
    areas = []
    for area in spec.areas:
        node = find(result, area.code)
        areas.append(
            AreaReport(
                spec=_node_text(area),
                result=node,
                subareas=[(_node_text(s), find(node, s.code)) for s in area.subareas],
                findings=[
                    FindingGroup(kind, findings_by_area[area.code][kind])
                    for kind in Finding.Kind.values
                ],
                history=history_by_area[area.code],
                group_average=averages.get(area.code),
                projects=_project_entries(loop.answering.get(area.code, [])),
                earlier_projects=_project_entries(loop.since_previous.get(area.code, [])),
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
                spec=_question_text(question),
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
    interview_summaries = [
        InterviewSummary(
            role=role,
            count=len(interviews[role]),
            first=min((d for d in interviews[role] if d), default=None),
            last=max((d for d in interviews[role] if d), default=None),
        )
        for role in Interview.Role.values
        if interviews.get(role)
    ]

    return Report(
        evaluation=evaluation_info(evaluation),
        result=result,
        areas=areas,
        questions=questions,
        interviews=interview_summaries,
        evaluators=[
            u.get_full_name() or u.username
            for u in evaluation.evaluators.order_by("first_name", "username")
        ],
        priorities=list(evaluation.priorities.values_list("text", flat=True)),
        group_names=group_names(group_spec),
        group_key=group_spec.key,
        version_note=dict(version_note or {}),
        group=ranked(members),
        group_average_total=average_total(members),
        standing=standing(members, evaluation.pk),
        is_draft=not evaluation.is_published,
        dimension_codes=dimension_codes,
        previous_year=loop.previous.year if loop.previous else None,
        forecast=attached_forecast_data(evaluation),
    )
