"""The report on the web, as PDF and as spreadsheet.

A published evaluation's report is its latest published version, for anyone, made from the
version's snapshot (never recomputed); each version keeps its own address. Before the first
publication, the live report is for the evaluation's own people (see evaluations.access),
marked as a draft. "Compare with today" puts the live figures beside the published ones, for
those who work on the evaluation.

Rendering a PDF is the expensive thing a request can ask for, so it is rationed: an anonymous
request never starts one (a published version's file that is not stored yet answers 503 with
Retry-After); a logged-in user renders one thing at a time (a second request meanwhile answers
429). See docs/reliability.md.
"""

from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kommunekompass.comparisons.groups import UnknownGroup, get_group, group_choices
from kommunekompass.evaluations.access import access_for, get_evaluation
from kommunekompass.evaluations.models import Evaluation, PublishedVersion
from kommunekompass.lib.concurrency import Busy, one_at_a_time
from kommunekompass.reports import jobs as report_jobs
from kommunekompass.reports import published
from kommunekompass.reports.data import build_report, report_from_data
from kommunekompass.reports.render import render_body, render_pdf
from kommunekompass.reports.snapshot import describe_change, file_stem
from kommunekompass.reports.spreadsheet import render_xlsx
from kommunekompass.reports.word import render_docx

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
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


def _group_key(request) -> str | None:
    """The group asked for in `?group=`, if it exists and the person may see it (a private
    group of someone else is ignored, as an unknown one is)."""
    key = request.GET.get("group")
    if not key:
        return None
    try:
        return get_group(key, request.user).key
    except UnknownGroup:
        return None


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
        "groups": group_choices(request.user) if report is not None else (),
        "files_state": report_jobs.files_state(version) if version is not None else None,
    }
    return render(request, "reports/report_page.html", context)


def _version_page(request, evaluation, version, versions):
    body = published.cached_body(version, get_language())
    return _page(request, evaluation, body=body, version=version, versions=versions)


# Seconds a public page whose files are being prepared is kept for other visitors.
PREPARING_PAGE_SECONDS = 30


def _anonymous_page(request, pk, number=None):
    """A public version's whole page for a visitor without a session, from the cache when it
    can be: one small query for the evaluation's state, no user, no session. Its key holds
    everything the page shows that can change (the latest number, the status), so a new
    version or a reopening shows at once. None when this is not such a request."""
    if request.user.is_authenticated or request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return None
    state = published.public_state(pk)
    if state is None:
        return None
    latest, status, report_language = state
    published.activate_page_language(request, report_language)
    if number is not None and not 1 <= number <= latest:
        raise Http404(_("No such version."))
    key = published.page_key(pk, number, latest, status, get_language())
    html, settled = cache.get(key) or (None, False)
    if html is None:
        evaluation = _public(pk)
        if evaluation is None:
            return None
        evaluation, version, versions = _visible_version(request, pk, number, evaluation=evaluation)
        body = published.cached_body(version, get_language())
        context = {
            "evaluation": evaluation,
            "access": None,
            "body": body,
            "version": version,
            "report": None,
            "versions": _versions(evaluation, versions),
            "latest_number": evaluation.published_version,
            "revision_under_way": evaluation.revision_under_way,
            "can_compare": False,
            "groups": (),
            "files_state": report_jobs.files_state(version),
        }
        html = render_to_string("reports/report_page.html", context, request)
        # Kept for long unless the page tells of the files' job (being prepared, failed):
        # that it says for a moment only, and asks again every few seconds.
        settled = context["files_state"] in ("stored", "missing")
        timeout = published.BODY_TIMEOUT if settled else PREPARING_PAGE_SECONDS
        cache.set(key, (html, settled), timeout)
    if not settled:
        return HttpResponse(html)
    # The same bytes for every visitor (no token, no user): PublicReportMiddleware may keep it.
    response = HttpResponse(html)
    response.public_memo = True
    return response


def report_page(request, pk):
    fast = _anonymous_page(request, pk)
    if fast is not None:
        return fast
    evaluation = _public(pk)
    if evaluation is not None:
        published.activate_page_language(request, evaluation.report_language)
        return _version_page(request, *_visible_version(request, pk, evaluation=evaluation))
    evaluation, access = get_evaluation(request.user, pk, "result")
    published.activate_page_language(request, evaluation.report_language)
    report = build_report(evaluation, _group_key(request))
    return _page(request, evaluation, body=render_body(report), report=report, access=access)


def version_page(request, pk, number):
    fast = _anonymous_page(request, pk, number)
    if fast is not None:
        return fast
    evaluation, version, versions = _visible_version(request, pk, number)
    published.activate_page_language(request, evaluation.report_language)
    return _version_page(request, evaluation, version, versions)


def _file_response(handle, filename: str, kind: str):
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[kind]
    )


# Seconds a visitor is asked to wait for a file that is not stored yet, and at most how long a
# user's rendering slot is held (it is freed when the rendering ends).
RETRY_AFTER = 300
RENDERING_SLOT_SECONDS = 300


def _rendering_slot(user):
    """One rendering at a time per user, on every server (see lib.concurrency)."""
    return one_at_a_time(f"rendering:user:{user.pk}", RENDERING_SLOT_SECONDS)


def _not_stored(request):
    """503: the file is not stored yet, and this request may not render it."""
    response = render(
        request,
        "reports/file_wait.html",
        {
            "heading": _("The file is being prepared"),
            "message": _(
                "This report's file is being prepared. Please try again in a few minutes."
            ),
        },
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def _busy(request):
    """429: the user is rendering something already."""
    response = render(
        request,
        "reports/file_wait.html",
        {
            "heading": _("One file at a time"),
            "message": _(
                "A report you asked for is still being made. Wait until it is ready, then try "
                "again."
            ),
        },
        status=429,
    )
    response["Retry-After"] = "10"
    return response


def is_stored(version, kind: str) -> bool:
    if kind == "docx":
        return published.is_docx_stored(version)
    return published.is_stored(version, kind)


def _serve_version_file(request, evaluation, version, kind: str):
    """The version's stored file. A missing one is rendered for a logged-in reader (one at a
    time per user), never for an anonymous request."""
    stored_file = (
        published.stored_docx if kind == "docx" else partial(published.stored_file, kind=kind)
    )
    try:
        if request.user.is_authenticated and not is_stored(version, kind):
            with _rendering_slot(request.user):
                handle = stored_file(version, may_render=True)
        else:
            handle = stored_file(version)
    except published.NotStored:
        return _not_stored(request)
    except Busy:
        return _busy(request)
    name = f"{file_stem(evaluation.municipality.name, evaluation.year, f'-v{version.number}')}"
    stored = published.stored_name(version, kind)
    published.remember_file(evaluation.pk, version.number, kind, stored, f"{name}.{kind}")
    response = _file_response(handle, f"{name}.{kind}", kind)
    response.stored_name = stored  # PublicReportMiddleware opens it again by this name
    return response


def _known_file(pk, number, kind):
    """A public version's stored file known from an earlier request: one small query."""
    state = published.public_state(pk)
    if state is None:
        return None
    number = state[0] if number is None else number
    if not 1 <= number <= state[0]:
        return None
    known = published.known_file(pk, number, kind)
    if known is None:
        return None
    stored, filename = known
    try:
        response = _file_response(published.open_stored(stored), filename, kind)
    except OSError:
        return None
    response.stored_name = stored
    response.public_memo = True  # a stored file of a public version: PublicReportMiddleware
    return response


def version_files(request, pk, number):
    """The version's download buttons and the state of its files (polled while they are
    being prepared)."""
    evaluation, version, _versions = _visible_version(request, pk, number)
    context = {
        "evaluation": evaluation,
        "version": version,
        "files_state": report_jobs.files_state(version),
    }
    return render(request, "reports/_version_files.html", context)


def version_file(request, pk, number, kind):
    fast = _known_file(pk, number, kind)
    if fast is not None:
        return fast
    evaluation, version, _versions = _visible_version(request, pk, number)
    return _serve_version_file(request, evaluation, version, kind)


def _live_file(request, pk, kind):
    """The latest version's stored file when the evaluation is public; else the live report
    rendered now, for those who may see the draft."""
    fast = _known_file(pk, None, kind)
    if fast is not None:
        return fast
    evaluation = _public(pk)
    if evaluation is not None:
        evaluation, version, _versions = _visible_version(request, pk, evaluation=evaluation)
        return _serve_version_file(request, evaluation, version, kind)
    # A draft: only its own people get here (get_evaluation answers 404 to anyone else,
    # anonymous visitors included).
    evaluation, _access = get_evaluation(request.user, pk, "result")
    # The draft's files are in its report language, as the published ones will be; the
    # "busy" page is in the reader's own language.
    language = evaluation.report_language or get_language()
    if kind in ("pdf", "docx"):
        render = render_pdf if kind == "pdf" else render_docx
        try:
            with _rendering_slot(request.user), translation.override(language):
                content = render(build_report(evaluation, _group_key(request)))
        except Busy:
            return _busy(request)
    else:
        with translation.override(language):
            content = render_xlsx(build_report(evaluation, _group_key(request)))
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{report_filename(evaluation, kind)}"'
    return response


def report_pdf(request, pk):
    return _live_file(request, pk, "pdf")


def report_xlsx(request, pk):
    return _live_file(request, pk, "xlsx")


def report_docx(request, pk):
    return _live_file(request, pk, "docx")


def compare_today(request, pk):
    """The live figures beside the latest published version's: for the evaluation's team."""
    evaluation, access = get_evaluation(request.user, pk, "scores")
    if not access.read_work or not evaluation.published_version:
        raise Http404(_("No such evaluation."))
    version = PublishedVersion.objects.get(
        evaluation=evaluation, number=evaluation.published_version
    )
    frozen = report_from_data(version.data)
    live = build_report(evaluation, _group_key(request) or frozen.group_key)
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
            "groups": group_choices(request.user),
        },
    )
