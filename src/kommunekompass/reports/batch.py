"""The reports of many evaluations at once, for publishing an import's evaluations together.

`read_sources_many(evaluations)` reads, for each evaluation, what `data.read_sources` reads for
it (its comparison group, result, history, findings, projects, ...), in a fixed number of
queries: what the evaluations share is read once (each comparison group's latest evaluations
and their summaries per framework, the municipalities' rounds), and the rest in one query per
kind for all of them. In the same database state it gives the same sources as `read_sources`
for each evaluation, so `build_reports` gives the same reports as `build_report` (the default
comparison group of each report: the one chosen for it, else "all").

The evaluations must come with their municipality and framework.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from kommunekompass.comparisons.groups import latest_evaluations, report_groups
from kommunekompass.comparisons.history import rounds_of_many
from kommunekompass.evaluations.models import Evaluation, Interview, Score
from kommunekompass.evaluations.summaries import results_for, summaries_for, summary_of
from kommunekompass.improvement.loop import loops_for
from kommunekompass.reports.data import (
    ReportSources,
    assemble_report,
    earlier_rounds,
    evaluator_name,
    finding_item,
    findings_of,
    group_names,
    way_forward_of,
)
from kommunekompass.reports.shapes import Report


def build_reports(
    evaluations: list[Evaluation], progress: Callable[[int, int], None] | None = None
) -> dict[int, Report]:
    """{evaluation id: its report}, each as `build_report(evaluation)` gives it."""
    sources = read_sources_many(evaluations)
    reports, texts = {}, {}
    for index, evaluation in enumerate(evaluations, start=1):
        reports[evaluation.pk] = assemble_report(evaluation, sources[evaluation.pk], texts)
        if progress:
            progress(index, len(evaluations))
    return reports


def read_sources_many(evaluations: list[Evaluation]) -> dict[int, ReportSources]:
    ids = [e.pk for e in evaluations]
    results = results_for(evaluations)
    # The evaluations' own summaries come from their results, as in read_sources; any other
    # summary (of a group member or an earlier round) is read (or computed) once.
    own = {e.pk: summary_of(e.pk, results[e.pk]) for e in evaluations}

    groups = report_groups(evaluations)
    latest, names = {}, {}
    for evaluation in evaluations:
        group = groups[evaluation.pk]
        key = (group.key, evaluation.framework_id)
        if key not in latest:
            latest[key] = latest_evaluations(group, evaluation.framework)
        if group.key not in names:
            names[group.key] = group_names(group)
    members = {e.pk: e for found in latest.values() for e in found if e.pk not in own}
    summaries = summaries_for(list(members.values()))
    summaries.update(own)

    rounds: dict[tuple[int, int], list] = {}
    by_framework: dict[int, list[Evaluation]] = defaultdict(list)
    for evaluation in evaluations:
        by_framework[evaluation.framework_id].append(evaluation)
    for framework_id, found in by_framework.items():
        framework = found[0].framework
        municipalities = sorted({e.municipality_id for e in found})
        for municipality_id, municipality_rounds in rounds_of_many(
            municipalities, framework, summaries=summaries
        ).items():
            rounds[(municipality_id, framework_id)] = municipality_rounds

    loops = loops_for(evaluations)
    findings = defaultdict(list)
    for finding in findings_of(ids):
        findings[finding.evaluation_id].append(finding_item(finding))
    reasons = defaultdict(dict)
    for evaluation_id, code, reason in (
        Score.objects.filter(evaluation__in=ids)
        .exclude(reason="")
        .values_list("evaluation_id", "question__code", "reason")
    ):
        reasons[evaluation_id][code] = reason
    interview_dates = defaultdict(lambda: defaultdict(list))
    for evaluation_id, role, date in Interview.objects.filter(
        evaluation__in=ids, held=True
    ).values_list("evaluation_id", "role", "date"):
        interview_dates[evaluation_id][role].append(date)
    evaluators = defaultdict(list)
    for row in (
        Evaluation.evaluators.through.objects.filter(evaluation__in=ids)
        .select_related("user")
        .order_by("user__first_name", "user__username")
    ):
        evaluators[row.evaluation_id].append(evaluator_name(row.user))
    priorities, links = way_forward_of(ids)

    sources = {}
    for evaluation in evaluations:
        group = groups[evaluation.pk]
        others = [
            e
            for e in latest[(group.key, evaluation.framework_id)]
            if e.municipality_id != evaluation.municipality_id
        ]
        sources[evaluation.pk] = ReportSources(
            group_spec=group,
            group_names=names[group.key],
            group=[evaluation, *others],
            result=results[evaluation.pk],
            summaries=summaries,
            rounds=earlier_rounds(
                rounds[(evaluation.municipality_id, evaluation.framework_id)], evaluation
            ),
            findings=findings[evaluation.pk],
            loop=loops[evaluation.pk],
            reasons=reasons[evaluation.pk],
            interview_dates=interview_dates[evaluation.pk],
            evaluators=evaluators[evaluation.pk],
            priorities=priorities[evaluation.pk],
            priority_links=links[evaluation.pk],
        )
    return sources
