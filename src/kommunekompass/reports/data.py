"""Everything a report shows, gathered from the database in a fixed number of queries.

`build_report(evaluation)` returns a `Report` (reports.shapes): plain data without model
objects that the web page, the PDF and the spreadsheet all render, so the three forms always
agree. `report_to_data` and `report_from_data` (reports.frozen) turn it into JSON-ready data
and back: a published version keeps that data and is rendered from it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation

from kommunekompass.comparisons.groups import (
    Group,
    UnknownGroup,
    get_group,
    latest_evaluations,
    report_group,
)
from kommunekompass.comparisons.history import Round, municipality_rounds
from kommunekompass.comparisons.ranking import (
    Member,
    average_by_area,
    average_total,
    ranked,
    standing,
)
from kommunekompass.evaluations.models import Evaluation, Finding, Interview, Priority, Score
from kommunekompass.evaluations.scores import evaluation_result
from kommunekompass.evaluations.summaries import Summary, summaries_for, summary_of
from kommunekompass.forecasts.building import attached_forecast_data
from kommunekompass.frameworks.spec import QuestionSpec
from kommunekompass.improvement.loop import Loop, loop_for
from kommunekompass.reports.frozen import report_from_data, report_to_data
from kommunekompass.reports.shapes import (
    AreaReport,
    EvaluationInfo,
    FindingGroup,
    FindingItem,
    FrameworkInfo,
    HistoryPoint,
    IndicatorFigures,
    InterviewSummary,
    ProjectEntry,
    QuestionRow,
    QuestionText,
    Report,
)
from kommunekompass.reports.texts import node_text, question_text
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


def _member(evaluation: Evaluation, summary: Summary, known: dict | None) -> Member:
    key = ("member", evaluation.pk)
    if known is not None and key in known:
        return known[key]
    member = Member(
        key=evaluation.pk,
        name=evaluation.municipality.name,
        year=evaluation.year,
        total=summary.total,
        areas=summary.areas,
    )
    if known is not None:
        known[key] = member
    return member


def _known_question_text(question: QuestionSpec, framework, known: dict | None) -> QuestionText:
    if known is None:
        return question_text(question)
    key = ("question", framework.checksum, question.code)
    if key not in known:
        known[key] = question_text(question)
    return known[key]


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


@dataclass
class ReportSources:
    """What a report is made from, read from the database: by `read_sources` for one
    evaluation, by reports.batch for many at once (sharing what they have in common)."""

    group_spec: Group
    group_names: dict[str, str]
    group: list[Evaluation]  # the comparison group, the evaluation itself first
    result: Result
    summaries: dict[int, Summary]  # of the group's members, the evaluation's own included
    rounds: list[Round]  # the municipality's other published rounds up to this year
    findings: list[FindingItem]  # in their order (position, id)
    loop: Loop
    reasons: dict[str, str]  # question code: reason
    interview_dates: dict[str, list]  # role: dates of the interviews held
    evaluators: list[str]
    priorities: list[str]
    priority_links: list[dict] = field(default_factory=list)  # see Report.priority_links


def way_forward_of(evaluation_ids) -> tuple[dict[int, list[str]], dict[int, list[dict]]]:
    """The way forward of these evaluations: {evaluation id: [priority texts in order]} and
    {evaluation id: [what each answers: {"areas": [codes], "findings": [{"area", "kind",
    "text"}]}]}. One query, and two more when any evaluation has priorities."""
    rows = list(
        Priority.objects.filter(evaluation__in=evaluation_ids)
        .order_by("evaluation_id", "position", "id")
        .values_list("pk", "evaluation_id", "text")
    )
    texts, links = defaultdict(list), defaultdict(list)
    if not rows:
        return texts, links
    areas, findings = defaultdict(list), defaultdict(list)
    for priority_id, code in (
        Priority.focus_areas.through.objects.filter(priority_id__in=[row[0] for row in rows])
        .order_by("focusarea__position")
        .values_list("priority_id", "focusarea__code")
    ):
        areas[priority_id].append(code)
    for priority_id, area, kind, text in (
        Priority.findings.through.objects.filter(priority_id__in=[row[0] for row in rows])
        .order_by(
            "finding__focus_area__position", "finding__kind", "finding__position", "finding_id"
        )
        .values_list("priority_id", "finding__focus_area__code", "finding__kind", "finding__text")
    ):
        findings[priority_id].append({"area": area, "kind": kind, "text": text})
    for priority_id, evaluation_id, text in rows:
        texts[evaluation_id].append(text)
        links[evaluation_id].append(
            {"areas": areas[priority_id], "findings": findings[priority_id]}
        )
    return texts, links


def finding_item(finding: Finding) -> FindingItem:
    return FindingItem(
        kind=finding.kind,
        text=finding.text,
        area=finding.focus_area.code,
        position=finding.position,
        questions=sorted(q.code for q in finding.questions.all()),
    )


def findings_of(evaluation_ids) -> QuerySet:
    """The findings of these evaluations as a report lists them."""
    return (
        Finding.objects.filter(evaluation__in=evaluation_ids)
        .select_related("focus_area")
        .prefetch_related("questions")
        .order_by("position", "id")
    )


def evaluator_name(user) -> str:
    return user.get_full_name() or user.username


def earlier_rounds(rounds: list[Round], evaluation: Evaluation) -> list[Round]:
    """The rounds a report's history shows before the evaluation itself."""
    return [r for r in rounds if r.year <= evaluation.year and r.evaluation.pk != evaluation.pk]


def read_sources(evaluation: Evaluation, group_key: str | None = None) -> ReportSources:
    group_spec = chosen_group(evaluation, group_key)
    group = comparison_group(evaluation, group_spec)
    result = evaluation_result(evaluation)
    summaries = summaries_for([e for e in group if e.pk != evaluation.pk])
    summaries[evaluation.pk] = summary_of(evaluation.pk, result)
    interview_dates = defaultdict(list)
    for role, date in evaluation.interviews.filter(held=True).values_list("role", "date"):
        interview_dates[role].append(date)
    priorities, priority_links = way_forward_of([evaluation.pk])
    return ReportSources(
        group_spec=group_spec,
        group_names=group_names(group_spec),
        group=group,
        result=result,
        summaries=summaries,
        rounds=earlier_rounds(
            municipality_rounds(evaluation.municipality, evaluation.framework), evaluation
        ),
        findings=[finding_item(f) for f in findings_of([evaluation.pk])],
        loop=loop_for(evaluation),
        reasons=dict(
            Score.objects.filter(evaluation=evaluation).values_list("question__code", "reason")
        ),
        interview_dates=interview_dates,
        evaluators=[
            evaluator_name(u) for u in evaluation.evaluators.order_by("first_name", "username")
        ],
        priorities=priorities[evaluation.pk],
        priority_links=priority_links[evaluation.pk],
    )


def build_report(evaluation: Evaluation, group_key: str | None = None) -> Report:
    return assemble_report(evaluation, read_sources(evaluation, group_key))


def nodes_by_code(result: Result) -> dict:
    """{code: node} of the result tree: what `find(result, code)` gives, for every code."""
    nodes: dict = {}

    def visit(node) -> None:
        nodes.setdefault(node.code, node)
        for child in getattr(node, "children", ()):
            visit(child)

    visit(result)
    return nodes


def assemble_report(
    evaluation: Evaluation, sources: ReportSources, known: dict | None = None
) -> Report:
    """The report of `evaluation` from what was read for it (no queries). `known` keeps what
    the reports of one batch share between them (reports.batch): the group members (the same
    evaluation with the same summary) and the questions' texts (the same framework)."""
    spec = evaluation.framework.spec
    group_spec, group, result = sources.group_spec, sources.group, sources.result
    summaries, rounds, loop = sources.summaries, sources.rounds, sources.loop

    members = [
        _member(e, summaries[e.pk], known)
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
    for item in sources.findings:
        findings_by_area[item.area][item.kind].append(item)

    nodes = nodes_by_code(result)
    finding_kinds = Finding.Kind.values
    areas = []
    for area in spec.areas:
        node = nodes.get(area.code)
        areas.append(
            AreaReport(
                spec=node_text(area),
                result=node,
                subareas=[(node_text(s), find(node, s.code)) for s in area.subareas],
                findings=[
                    FindingGroup(kind, findings_by_area[area.code][kind]) for kind in finding_kinds
                ],
                history=history_by_area[area.code],
                group_average=averages.get(area.code),
                projects=_project_entries(loop.answering.get(area.code, [])),
                earlier_projects=_project_entries(loop.since_previous.get(area.code, [])),
            )
        )

    reasons = sources.reasons
    dimension_codes: list[str] = []
    for scheme in spec.schemes:
        for dimension in scheme.dimensions:
            if dimension.code not in dimension_codes:
                dimension_codes.append(dimension.code)
    questions = []
    # An evaluation known only per sub-area or area has no questions to list.
    for question in spec.questions if evaluation.result_level == "question" else ():
        question_result = nodes.get(question.code)
        questions.append(
            QuestionRow(
                spec=_known_question_text(question, evaluation.framework, known),
                result=question_result,
                reason=reasons.get(question.code, ""),
                levels=[
                    (d.code, question_result.levels.get(d.code)) for d in question.scheme.dimensions
                ],
            )
        )

    interviews = sources.interview_dates
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
        evaluators=list(sources.evaluators),
        priorities=list(sources.priorities),
        priority_links=list(sources.priority_links),
        group_names=sources.group_names,
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
