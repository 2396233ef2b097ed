"""Interviews: planned and held, by the groups the method names, with notes linked to questions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kommunekompass.evaluations.access import get_evaluation
from kommunekompass.evaluations.audit import touch
from kommunekompass.evaluations.forms import InterviewForm
from kommunekompass.evaluations.models import Interview


@login_required
def interview_list(request, pk):
    need = "edit" if request.method == "POST" else "work"
    evaluation, access = get_evaluation(request.user, pk, need)
    form = InterviewForm(request.POST or None, evaluation=evaluation)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            interview = form.save(commit=False)
            interview.evaluation = evaluation
            interview.save()
            form.save_m2m()
            touch(evaluation)
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
            expected = form.cleaned_data["version"] or 0
            with transaction.atomic():
                claimed = Interview.objects.filter(pk=interview.pk, version=expected).update(
                    version=F("version") + 1
                )
                if claimed:
                    form.instance.version = expected + 1
                    form.save()
                    touch(evaluation)
            if claimed:
                messages.success(request, _("The interview is saved."))
                return redirect("evaluations:interviews", pk=pk)
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
    return render(
        request,
        "evaluations/interview_form.html",
        {"evaluation": evaluation, "access": access, "interview": interview, "form": form},
        status=status,
    )
