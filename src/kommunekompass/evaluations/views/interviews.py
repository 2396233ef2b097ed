"""Interviews: planned and held, by the groups the method names, with notes linked to questions.
Changes go through evaluations.services.interviews (version check, history)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunekompass.evaluations.access import get_evaluation
from kommunekompass.evaluations.forms import InterviewForm
from kommunekompass.evaluations.models import Interview
from kommunekompass.evaluations.services import interviews as service
from kommunekompass.evaluations.services.base import ServiceError


def _fields(form) -> dict:
    data = form.cleaned_data
    return {
        "role": data["role"],
        "date": data["date"],
        "held": data["held"],
        "participants": data["participants"],
        "notes": data["notes"],
        "questions": list(data["questions"]),
    }


@login_required
def interview_list(request, pk):
    need = "edit" if request.method == "POST" else "work"
    evaluation, access = get_evaluation(request.user, pk, need)
    form = InterviewForm(request.POST or None, evaluation=evaluation)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                service.add_interview(evaluation=evaluation, user=request.user, **_fields(form))
            except ServiceError as error:
                form.add_error(error.field, str(error))
            else:
                messages.success(request, _("The interview is saved."))
                return redirect("evaluations:interviews", pk=pk)
        status = 422
    interviews = evaluation.interviews.prefetch_related("questions")
    roles_covered = {i.role for i in interviews if i.held}
    missing_roles = [label for role, label in Interview.Role.choices if role not in roles_covered]
    return render(
        request,
        "evaluations/interviews.html",
        {
            "evaluation": evaluation,
            "access": access,
            "interviews": interviews,
            "missing_roles": missing_roles,
            "form": form,
        },
        status=status,
    )


@login_required
def interview_edit(request, pk, interview_id):
    need = "edit" if request.method == "POST" else "work"
    evaluation, access = get_evaluation(request.user, pk, need)
    interview = get_object_or_404(Interview, pk=interview_id, evaluation=evaluation)
    form = InterviewForm(request.POST or None, instance=interview, evaluation=evaluation)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = service.change_interview(
                    interview=interview,
                    user=request.user,
                    expected_version=form.cleaned_data["version"] or 0,
                    **_fields(form),
                )
            except ServiceError as error:
                form.add_error(error.field, str(error))
                saved = None
            if saved:
                messages.success(request, _("The interview is saved."))
                return redirect("evaluations:interviews", pk=pk)
            if saved is False:
                messages.error(
                    request,
                    _(
                        "Not saved: someone else changed this interview after you opened it. "
                        "Their version is shown; your notes were: “%(notes)s”"
                    )
                    % {"notes": form.cleaned_data["notes"]},
                )
                interview = Interview.objects.get(pk=interview.pk)
                form = InterviewForm(instance=interview, evaluation=evaluation)
                status = 409
            else:
                status = 422
        else:
            status = 422
    return render(
        request,
        "evaluations/interview_form.html",
        {"evaluation": evaluation, "access": access, "interview": interview, "form": form},
        status=status,
    )


@require_POST
@login_required
def interview_delete(request, pk, interview_id):
    evaluation, access = get_evaluation(request.user, pk, "edit")
    interview = get_object_or_404(Interview, pk=interview_id, evaluation=evaluation)
    service.delete_interview(interview=interview, user=request.user)
    messages.success(request, _("The interview is deleted."))
    return redirect("evaluations:interviews", pk=pk)
