"""The way forward ("veien videre"): the council's priorities, shown at the end of the report.
Changes go through evaluations.services.settings (history; refused once published)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunekompass.evaluations.access import get_evaluation
from kommunekompass.evaluations.forms import PriorityForm
from kommunekompass.evaluations.models import Priority
from kommunekompass.evaluations.services import settings as service


@login_required
def way_forward(request, pk):
    need = "edit" if request.method == "POST" else "scores"
    evaluation, access = get_evaluation(request.user, pk, need)
    form = PriorityForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            service.add_priority(
                evaluation=evaluation, user=request.user, text=form.cleaned_data["text"]
            )
            messages.success(request, _("The priority is added."))
            return redirect("evaluations:way_forward", pk=pk)
        status = 422
    return render(
        request,
        "evaluations/way_forward.html",
        {
            "evaluation": evaluation,
            "access": access,
            "priorities": evaluation.priorities.all(),
            "form": form,
        },
        status=status,
    )


def _priority(request, pk, priority_id):
    evaluation, access = get_evaluation(request.user, pk, "edit")
    priority = get_object_or_404(
        Priority.objects.select_related("evaluation"), pk=priority_id, evaluation=evaluation
    )
    return evaluation, access, priority


@login_required
def priority_edit(request, pk, priority_id):
    evaluation, access, priority = _priority(request, pk, priority_id)
    form = PriorityForm(request.POST or None, initial={"text": priority.text})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            service.change_priority(
                priority=priority, user=request.user, text=form.cleaned_data["text"]
            )
            messages.success(request, _("The priority is saved."))
            return redirect("evaluations:way_forward", pk=pk)
        status = 422
    return render(
        request,
        "evaluations/priority_form.html",
        {"evaluation": evaluation, "access": access, "priority": priority, "form": form},
        status=status,
    )


@require_POST
@login_required
def priority_delete(request, pk, priority_id):
    evaluation, access, priority = _priority(request, pk, priority_id)
    service.delete_priority(priority=priority, user=request.user)
    messages.success(request, _("The priority is deleted."))
    return redirect("evaluations:way_forward", pk=pk)


@require_POST
@login_required
def priority_move(request, pk, priority_id):
    evaluation, access, priority = _priority(request, pk, priority_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, _("Unknown direction."))
    else:
        service.move_priority(priority=priority, user=request.user, direction=direction)
    return redirect("evaluations:way_forward", pk=pk)
