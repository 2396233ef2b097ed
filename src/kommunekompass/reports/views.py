"""The report on the web, as PDF and as spreadsheet.

A published evaluation's report is its latest published version, for anyone, made from the
version's snapshot (never recomputed); each version keeps its own address. Before the first
publication, the live report is for the evaluation's own people (see evaluations.access),
marked as a draft. "Compare with today" puts the live figures beside the published ones, for
those who work on the evaluation.
"""

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kommunekompass.comparisons.groups import group_choices
from kommunekompass.evaluations.access import access_for, get_evaluation
from kommunekompass.evaluations.models import Evaluation, PublishedVersion
from kommunekompass.reports import published
from kommunekompass.reports.data import build_report, report_from_data
from kommunekompass.reports.render import render_body, render_pdf
from kommunekompass.reports.snapshot import describe_change, file_stem
from kommunekompass.reports.spreadsheet import render_xlsx

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def report_filename(evaluation, extension: str) -> str:
    """E.g. "fjordvik-kommune-2026.pdf" (live), "-utkast" for a draft."""
    draft = "" if evaluation.is_published else "-utkast"
    return f"{file_stem(evaluation.municipality.name, evaluation.year, draft)}.{extension}"


def _public(pk) -> Evaluation | None:
    """The evaluation if its report is public: it has a published version, not withdrawn."""
    evaluation = Evaluation.objects.with_framework().filter(pk=pk).first()
    if evaluation is None or not published.is_public(evaluation):
        return None
    return evaluation


def _visible_version(request, pk, number=None, evaluation=None):
    """A published version of the evaluation (the latest when `number` is None) and all its
    versions, newest first (without their data): public for a public evaluation; otherwise
    (withdrawn) only for those who may see its result."""
    evaluation = evaluation or _public(pk)
    if evaluation is None:
        evaluation, _access = get_evaluation(request.user, pk, "result")
    number = evaluation.published_version if number is None else number
    versions = (
        list(
            PublishedVersion.objects.filter(evaluation=evaluation).defer("data").order_by("-number")
        )
        if 1 <= number <= evaluation.published_version
        else []
    )
    version = next((v for v in versions if v.number == number), None)
    if version is None:
        raise Http404(_("No such version."))
    return evaluation, version, versions


def _versions(evaluation, versions=None) -> list[dict]:
    if versions is None:
        if not evaluation.published_version:
            return []
        versions = PublishedVersion.objects.filter(evaluation=evaluation).defer("data")
        versions = versions.order_by("-number")
    return [
        {"version": version, "changes": [describe_change(c) for c in version.changes]}
        for version in versions
    ]


def _page(request, evaluation, *, body, version=None, versions=None, report=None, access=None):
    if access is None and request.user.is_authenticated:
        access = access_for(request.user, evaluation)
    context = {
        "evaluation": evaluation,
        "access": access,
        "body": body,
        "version": version,
        "report": report,
        "versions": _versions(evaluation, versions),
        "latest_number": evaluation.published_version,
        "revision_under_way": evaluation.revision_under_way,
        "can_compare": bool(access and access.read_work and evaluation.published_version),
        "groups": group_choices() if report is not None else (),
    }
    return render(request, "reports/report_page.html", context)


def _version_page(request, evaluation, version, versions):
    body = published.cached_body(version, get_language())
    return _page(request, evaluation, body=body, version=version, versions=versions)


def report_page(request, pk):
    evaluation = _public(pk)
    if evaluation is not None:
        return _version_page(request, *_visible_version(request, pk, evaluation=evaluation))
    evaluation, access = get_evaluation(request.user, pk, "result")
    report = build_report(evaluation, request.GET.get("group"))
    return _page(request, evaluation, body=render_body(report), report=report, access=access)


def version_page(request, pk, number):
    return _version_page(request, *_visible_version(request, pk, number))


def _serve_version_file(evaluation, version, kind: str):
    handle = published.stored_file(version, kind)
    name = f"{file_stem(evaluation.municipality.name, evaluation.year, f'-v{version.number}')}"
    return FileResponse(
        handle, as_attachment=True, filename=f"{name}.{kind}", content_type=CONTENT_TYPES[kind]
    )


def version_file(request, pk, number, kind):
    evaluation, version, _versions = _visible_version(request, pk, number)
    return _serve_version_file(evaluation, version, kind)


def _live_file(request, pk, kind):
    """The latest version's stored file when the evaluation is public; else the live report
    rendered now, for those who may see the draft."""
    evaluation = _public(pk)
    if evaluation is not None:
        evaluation, version, _versions = _visible_version(request, pk, evaluation=evaluation)
        return _serve_version_file(evaluation, version, kind)
    evaluation, _access = get_evaluation(request.user, pk, "result")
    report = build_report(evaluation, request.GET.get("group"))
    content = render_pdf(report) if kind == "pdf" else render_xlsx(report)
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{report_filename(evaluation, kind)}"'
    return response


def report_pdf(request, pk):
    return _live_file(request, pk, "pdf")


def report_xlsx(request, pk):
    return _live_file(request, pk, "xlsx")


def compare_today(request, pk):
    """The live figures beside the latest published version's: for the evaluation's team."""
    evaluation, access = get_evaluation(request.user, pk, "scores")
    if not access.read_work or not evaluation.published_version:
        raise Http404(_("No such evaluation."))
    version = PublishedVersion.objects.get(
        evaluation=evaluation, number=evaluation.published_version
    )
    frozen = report_from_data(version.data)
    live = build_report(evaluation, request.GET.get("group") or frozen.group_key)
    return render(
        request,
        "reports/compare_today.html",
        {
            "evaluation": evaluation,
            "access": access,
            "version": version,
            "rows": published.comparison_rows(frozen, live),
            "frozen": frozen,
            "live": live,
            "groups": group_choices(),
        },
    )
