"""The result of an evaluation: public once published, a draft only for its own people."""

from django.shortcuts import render

from kommunekompass.evaluations.access import get_evaluation
from kommunekompass.evaluations.models import Finding
from kommunekompass.evaluations.scores import areas_with_results, evaluation_result


def evaluation_result_page(request, pk):
    evaluation, access = get_evaluation(request.user, pk, "result")
    result = evaluation_result(evaluation)
    findings = {}
    for finding in Finding.objects.filter(evaluation=evaluation).select_related("focus_area"):
        findings.setdefault(finding.focus_area.code, {}).setdefault(finding.kind, []).append(
            finding
        )
    areas = []
    for area, node in areas_with_results(evaluation, result):
        area_findings = findings.get(area.code, {})
        areas.append(
            {
                "spec": area,
                "result": node,
                "subareas": list(zip(area.subareas, node.children, strict=True)),
                "columns": [
                    (Finding.HEADINGS[kind], area_findings.get(kind, []))
                    for kind in Finding.Kind.values
                ],
            }
        )
    return render(
        request,
        "evaluations/result.html",
        {
            "evaluation": evaluation,
            "access": access,
            "result": result,
            "areas": areas,
            "priorities": evaluation.priorities.all(),
        },
    )
