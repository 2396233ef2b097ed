"""The findings page of one focus area: strengths, challenges and weaknesses, ordered by hand."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunekompass.evaluations.access import get_evaluation
from kommunekompass.evaluations.forms import FindingForm
from kommunekompass.evaluations.models import Finding, ReviewComment
from kommunekompass.evaluations.services import findings as service
from kommunekompass.frameworks.models import FocusArea


def _focus_area(evaluation, code):
    area = FocusArea.objects.filter(framework_id=evaluation.framework_id, code=code).first()
    if area is None:
        raise Http404(_("No focus area %(code)s in this framework.") % {"code": code})
    return area


def _columns(evaluation, focus_area, access):
    findings = (
        Finding.objects.filter(evaluation=evaluation, focus_area=focus_area)
        .prefetch_related("questions")
        .order_by("position", "id")
    )
    if access.review:  # review comments are for the team and the reviewers only
        findings = findings.prefetch_related(
            Prefetch(
                "review_comments",
                queryset=ReviewComment.objects.select_related("author", "answered_by"),
                to_attr="review_comment_list",
            )
        )
    columns = {kind: [] for kind, _label in Finding.Kind.choices}
    for finding in findings:
        columns[finding.kind].append(finding)
    return [
        {"kind": kind, "label": Finding.HEADINGS[kind], "findings": columns[kind]}
        for kind in Finding.Kind.values
    ]


@login_required
def findings_page(request, pk, area_code):
    need = "edit" if request.method == "POST" else "scores"
    evaluation, access = get_evaluation(request.user, pk, need)
    focus_area = _focus_area(evaluation, area_code)
    form = FindingForm(request.POST or None, focus_area=focus_area)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            service.add_finding(
                evaluation=evaluation,
                focus_area=focus_area,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                questions=list(form.cleaned_data["questions"]),
                user=request.user,
            )
            messages.success(request, _("The finding is added."))
            return redirect("evaluations:findings", pk=pk, area_code=area_code)
        status = 422
    spec = evaluation.framework.spec
    return render(
        request,
        "evaluations/findings.html",
        {
            "evaluation": evaluation,
            "access": access,
            "spec": spec,
            "area": spec.area(area_code),
            "focus_area": focus_area,
            "columns": _columns(evaluation, focus_area, access),
            "can_comment": access.review and evaluation.status == "in_review",
            "form": form,
        },
        status=status,
    )


def _finding(request, pk, finding_id, need="edit"):
    evaluation, access = get_evaluation(request.user, pk, need)
    finding = get_object_or_404(
        Finding.objects.select_related("focus_area"), pk=finding_id, evaluation=evaluation
    )
    return evaluation, access, finding


@login_required
def finding_edit(request, pk, finding_id):
    evaluation, access, finding = _finding(request, pk, finding_id)
    form = FindingForm(request.POST or None, instance=finding, focus_area=finding.focus_area)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            changed = service.change_finding(
                finding=finding,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                questions=list(form.cleaned_data["questions"]),
                expected_version=form.cleaned_data["version"] or 0,
                user=request.user,
            )
            if changed:
                messages.success(request, _("The finding is saved."))
                return redirect("evaluations:findings", pk=pk, area_code=finding.focus_area.code)
            finding.refresh_from_db()
            messages.error(
                request,
                _(
                    "Not saved: someone else changed this finding after you opened it. "
                    "Their version is shown; your text was: “%(text)s”"
                )
                % {"text": form.cleaned_data["text"]},
            )
            form = FindingForm(instance=finding, focus_area=finding.focus_area)
            status = 409
        else:
            status = 422
    return render(
        request,
        "evaluations/finding_form.html",
        {"evaluation": evaluation, "access": access, "finding": finding, "form": form},
        status=status,
    )


@require_POST
@login_required
def finding_delete(request, pk, finding_id):
    evaluation, access, finding = _finding(request, pk, finding_id)
    area_code = finding.focus_area.code
    service.delete_finding(finding=finding, user=request.user)
    messages.success(request, _("The finding is deleted."))
    return redirect("evaluations:findings", pk=pk, area_code=area_code)


@require_POST
@login_required
def finding_move(request, pk, finding_id):
    evaluation, access, finding = _finding(request, pk, finding_id)
    direction = request.POST.get("direction")
    if direction not in {"up", "down"}:
        messages.error(request, _("Unknown direction."))
    else:
        service.move_finding(finding=finding, direction=direction, user=request.user)
    return redirect("evaluations:findings", pk=pk, area_code=finding.focus_area.code)
