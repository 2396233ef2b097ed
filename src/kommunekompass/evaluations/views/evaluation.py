"""Evaluations: the list, creating one, its overview, its status, its team and details, and
deleting a draft made by mistake.
Each view: access -> form -> service -> response. (The report's comparison group is chosen on
the overview through a form that the comparisons app provides.)"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunekompass.evaluations.access import (
    get_evaluation,
    is_evaluator,
    member_published_evaluations,
    work_visible_evaluations,
)
from kommunekompass.evaluations.forms import (
    DetailsForm,
    EvaluationForm,
    StatusForm,
    TeamForm,
)
from kommunekompass.evaluations.scores import areas_with_results, evaluation_result
from kommunekompass.evaluations.services import settings as settings_service
from kommunekompass.evaluations.services.base import ServiceError, StaleEdit
from kommunekompass.evaluations.services.review import open_comment_count
from kommunekompass.evaluations.services.workflow import (
    NEEDS,
    TransitionError,
    change_status,
    four_eyes,
    may_approve,
)
from kommunekompass.evaluations.views.municipalities import may_edit_municipality


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
        data = form.cleaned_data
        try:
            evaluation = settings_service.create_evaluation(
                user=request.user,
                municipality=data["municipality"],
                framework=data["framework"],
                year=data["year"],
                date=data["date"],
                evaluators=list(data["evaluators"]),
            )
        except ServiceError as error:
            form.add_error(error.field, str(error))
        else:
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
    evaluators = list(evaluation.evaluators.order_by("first_name", "username"))
    reviewers = list(evaluation.reviewers.order_by("first_name", "username"))
    return render(
        request,
        "evaluations/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "access": access,
            "result": result,
            "areas": areas,
            "evaluators": evaluators,
            "reviewers": reviewers,
            "review": _review_state(request.user, evaluation, evaluators, reviewers),
            "interviews": evaluation.interviews.all(),
            "evidence_count": evaluation.evidence.count(),
            "status_form": StatusForm(),
            "team_form": TeamForm(initial={"evaluators": evaluators, "reviewers": reviewers}),
            "details_form": _details_form(evaluation) if access.edit else None,
            "may_delete": access.manage and not settings_service.deletion_refused(evaluation),
            "may_edit_municipality": may_edit_municipality(request.user, evaluation.municipality),
        },
    )


def _review_state(user, evaluation, evaluators, reviewers) -> dict:
    """Who sent it to review, how many comments are open, who may approve; for the overview."""
    submitter = evaluation.submitted_by_id
    people = {p.pk: p for p in [*evaluators, *reviewers]}
    approvers = [
        p for pk, p in people.items() if not (four_eyes() and pk == submitter and submitter)
    ]
    return {
        "submitted_by": evaluation.submitted_by if submitter else None,
        "open_comments": open_comment_count(evaluation),
        "approvers": approvers,
        "four_eyes": four_eyes(),
        "may_approve": may_approve(evaluation, user),
    }


@require_POST
@login_required
def evaluation_status(request, pk):
    form = StatusForm(request.POST)
    if not form.is_valid():
        get_evaluation(request.user, pk, "review")
        messages.error(request, _("Unknown action."))
        return redirect("evaluations:detail", pk=pk)
    action = form.cleaned_data["action"]
    evaluation, access = get_evaluation(request.user, pk, NEEDS[action])
    try:
        change_status(
            evaluation,
            action,
            request.user,
            form.cleaned_data["note"],
            confirm_missing=form.cleaned_data["confirm_missing"],
        )
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
def evaluation_team(request, pk):
    evaluation, access = get_evaluation(request.user, pk, "edit")
    form = TeamForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect("evaluations:detail", pk=pk)
    try:
        changed = settings_service.change_team(
            evaluation=evaluation,
            user=request.user,
            evaluators=form.cleaned_data["evaluators"],
            reviewers=form.cleaned_data["reviewers"],
        )
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("evaluations:detail", pk=pk)
    if changed:
        messages.success(request, _("The team is saved."))
    return redirect("evaluations:detail", pk=pk)


def _details_form(evaluation, data=None):
    fixed = ""
    in_use = settings_service.framework_in_use(evaluation)
    if in_use:
        fixed = _("Fixed: the evaluation has %(what)s.") % {"what": ", ".join(in_use)}
    return DetailsForm(data, evaluation=evaluation, framework_fixed=fixed)


@require_POST
@login_required
def evaluation_details(request, pk):
    """A draft's year, date and framework (the framework while nothing refers to it)."""
    evaluation, access = get_evaluation(request.user, pk, "edit")
    form = _details_form(evaluation, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            changed = settings_service.change_details(
                evaluation=evaluation,
                user=request.user,
                year=data["year"],
                date=data["date"],
                framework=data["framework"],
                report_language=data["report_language"] or None,
                seen=data["seen"] or None,
            )
        except StaleEdit as error:
            messages.error(request, str(error))
            return redirect("evaluations:detail", pk=pk)
        except ServiceError as error:
            form.add_error(error.field, str(error))
        else:
            if changed:
                messages.success(request, _("The details are saved."))
            return redirect("evaluations:detail", pk=pk)
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect("evaluations:detail", pk=pk)


@login_required
def evaluation_delete(request, pk):
    """Delete a draft made by mistake (no scores, never published): a page that says what
    goes with it, then the deletion. Refused, with the reason, for any other evaluation."""
    evaluation, access = get_evaluation(request.user, pk, "manage")
    refused = settings_service.deletion_refused(evaluation)
    if request.method == "POST":
        if refused:
            raise PermissionDenied(refused)
        name = str(evaluation)
        settings_service.delete_draft(evaluation=evaluation, user=request.user)
        messages.success(request, _("%(name)s is deleted.") % {"name": name})
        return redirect("evaluations:list")
    return render(
        request,
        "evaluations/evaluation_delete.html",
        {
            "evaluation": evaluation,
            "access": access,
            "refused": refused,
            "contents": settings_service.draft_contents(evaluation),
        },
        status=403 if refused else 200,
    )
