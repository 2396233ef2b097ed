"""Evaluations: the list, creating one, its overview, its status, its team and details.
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
    MunicipalityForm,
    StatusForm,
    TeamForm,
)
from kommunekompass.evaluations.models import Municipality
from kommunekompass.evaluations.scores import areas_with_results, evaluation_result
from kommunekompass.evaluations.services import settings as settings_service
from kommunekompass.evaluations.services.base import ServiceError
from kommunekompass.evaluations.services.review import open_comment_count
from kommunekompass.evaluations.services.workflow import (
    NEEDS,
    TransitionError,
    change_status,
    four_eyes,
    may_approve,
)


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
            "details_form": DetailsForm(
                initial={"date": evaluation.date, "report_language": evaluation.report_language}
            ),
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


@require_POST
@login_required
def evaluation_details(request, pk):
    evaluation, access = get_evaluation(request.user, pk, "edit")
    form = DetailsForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect("evaluations:detail", pk=pk)
    try:
        changed = settings_service.change_details(
            evaluation=evaluation,
            user=request.user,
            date=form.cleaned_data["date"],
            report_language=form.cleaned_data["report_language"] or None,
        )
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("evaluations:detail", pk=pk)
    if changed:
        messages.success(request, _("The details are saved."))
    return redirect("evaluations:detail", pk=pk)


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
