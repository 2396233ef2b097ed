"""Evaluations: the list, creating one, its overview, its status and its history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunekompass.comparisons.groups import UnknownGroup, get_group, group_choices
from kommunekompass.evaluations.access import (
    get_evaluation,
    is_evaluator,
    member_published_evaluations,
    work_visible_evaluations,
)
from kommunekompass.evaluations.audit import record, touch
from kommunekompass.evaluations.forms import EvaluationForm, MunicipalityForm, StatusForm
from kommunekompass.evaluations.models import AuditEntry, Evaluation, Municipality
from kommunekompass.evaluations.scores import areas_with_results, evaluation_result
from kommunekompass.evaluations.services.workflow import TransitionError, change_status


@login_required
def evaluation_list(request):
    working = (
        work_visible_evaluations(request.user)
        .select_related("municipality", "framework")
        .defer("framework__document", "framework__source")
        .order_by("municipality__name", "-year", "-id")
    )
    published = (
        member_published_evaluations(request.user)
        .select_related("municipality", "framework")
        .defer("framework__document", "framework__source")
    )
    return render(
        request,
        "evaluations/evaluation_list.html",
        {
            "working": working,
            "published": published,
            "can_create": is_evaluator(request.user),
        },
    )


@login_required
def evaluation_create(request):
    if not is_evaluator(request.user):
        raise PermissionDenied(_("Only evaluators may create evaluations."))
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            evaluation = form.save()
            evaluation.evaluators.add(request.user)
            record(evaluation, request.user, AuditEntry.Action.CREATED, str(evaluation))
        messages.success(request, _("The evaluation is created."))
        return redirect("evaluations:detail", pk=evaluation.pk)
    return render(request, "evaluations/evaluation_form.html", {"form": form})


@login_required
def evaluation_detail(request, pk):
    evaluation, access = get_evaluation(request.user, pk, "scores")
    result = evaluation_result(evaluation)
    areas = [
        {"spec": area, "result": node} for area, node in areas_with_results(evaluation, result)
    ]
    finding_counts = {
        row["focus_area__code"]: row
        for row in evaluation.findings.values("focus_area__code").annotate(
            strengths=Count("id", filter=Q(kind="strength")),
            challenges=Count("id", filter=Q(kind="challenge")),
            weaknesses=Count("id", filter=Q(kind="weakness")),
        )
    }
    for area in areas:
        area["findings"] = finding_counts.get(area["spec"].code)
    return render(
        request,
        "evaluations/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "access": access,
            "result": result,
            "areas": areas,
            "evaluators": evaluation.evaluators.order_by("first_name", "username"),
            "interviews": evaluation.interviews.all(),
            "evidence_count": evaluation.evidence.count(),
            "status_form": StatusForm(),
            "groups": group_choices(),
        },
    )


@require_POST
@login_required
def evaluation_status(request, pk):
    evaluation, access = get_evaluation(request.user, pk, "manage")
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown action."))
        return redirect("evaluations:detail", pk=pk)
    action = form.cleaned_data["action"]
    if action == "publish":
        missing = evaluation_result(evaluation).missing
        if missing and not form.cleaned_data["confirm_missing"]:
            messages.error(
                request,
                _(
                    "%(count)s questions are not scored. Tick the box to publish with them "
                    "named as missing."
                )
                % {"count": len(missing)},
            )
            return redirect("evaluations:detail", pk=pk)
    try:
        change_status(evaluation, action, request.user, form.cleaned_data["note"])
    except TransitionError as error:
        messages.error(request, str(error))
        return redirect("evaluations:detail", pk=pk)
    messages.success(
        request,
        _("The evaluation is now “%(status)s”.") % {"status": evaluation.get_status_display()},
    )
    return redirect("evaluations:detail", pk=pk)


@require_POST
@login_required
def evaluation_comparison_group(request, pk):
    evaluation, access = get_evaluation(request.user, pk, "manage")
    key = request.POST.get("group", "")
    try:
        group = get_group(key)
    except UnknownGroup:
        messages.error(request, _("No such comparison group."))
        return redirect("evaluations:detail", pk=pk)
    Evaluation.objects.filter(pk=pk).update(comparison_group=group.key)
    touch(evaluation)
    messages.success(request, _("The report now compares with %(group)s.") % {"group": group.name})
    return redirect("evaluations:detail", pk=pk)


@login_required
def evaluation_history(request, pk):
    evaluation, access = get_evaluation(request.user, pk, "manage")
    entries = evaluation.audit.select_related("user")[:500]
    return render(
        request,
        "evaluations/history.html",
        {"evaluation": evaluation, "access": access, "entries": entries},
    )


@login_required
def municipality_list(request):
    if not is_evaluator(request.user):
        raise PermissionDenied(_("Only evaluators may manage municipalities."))
    form = MunicipalityForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("evaluations.add_municipality"):
            raise PermissionDenied
        if form.is_valid():
            municipality = form.save()
            messages.success(request, _("%(name)s is added.") % {"name": municipality.name})
            return redirect("evaluations:municipalities")
    municipalities = Municipality.objects.annotate(evaluation_count=Count("evaluations"))
    return render(
        request,
        "evaluations/municipality_list.html",
        {"municipalities": municipalities, "form": form},
    )
