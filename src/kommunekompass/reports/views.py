"""The report on the web, as PDF and as spreadsheet. Public once published; before that only
for the evaluation's own people (see evaluations.access)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify

from kommunekompass.comparisons.groups import group_choices
from kommunekompass.evaluations.access import get_evaluation
from kommunekompass.reports.data import build_report
from kommunekompass.reports.render import render_pdf, report_context
from kommunekompass.reports.spreadsheet import render_xlsx


def report_filename(evaluation, extension: str) -> str:
    """E.g. "fjordvik-kommune-2026.pdf"; æ, ø and å are spelt ae, o and a."""
    name = evaluation.municipality.name.translate(ASCII_LETTERS)
    draft = "" if evaluation.is_published else "-utkast"
    return f"{slugify(name)}-{evaluation.year}{draft}.{extension}"


ASCII_LETTERS = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "å": "a", "Å": "A"})


def report_page(request, pk):
    evaluation, access = get_evaluation(request.user, pk, "result")
    report = build_report(evaluation, request.GET.get("group"))
    context = report_context(report)
    return render(
        request,
        "reports/report_page.html",
        {**context, "access": access, "groups": group_choices()},
    )


def report_pdf(request, pk):
    evaluation, _access = get_evaluation(request.user, pk, "result")
    report = build_report(evaluation, request.GET.get("group"))
    response = HttpResponse(render_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(evaluation, "pdf")}"'
    return response


def report_xlsx(request, pk):
    evaluation, _access = get_evaluation(request.user, pk, "result")
    response = HttpResponse(
        render_xlsx(build_report(evaluation, request.GET.get("group"))),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{report_filename(evaluation, "xlsx")}"'
    )
    return response
