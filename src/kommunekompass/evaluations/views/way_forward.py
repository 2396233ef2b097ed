"""The way forward ("veien videre"): the council's priorities in order, each linked to the
findings and focus areas it answers, shown at the end of the report. Entered by the team and
the municipality's coordinators while the evaluation is a draft or in review; changes go
through evaluations.services.way_forward (history)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunekompass.evaluations.access import get_evaluation
from kommunekompass.evaluations.forms import PriorityForm
from kommunekompass.evaluations.models import Priority
from kommunekompass.evaluations.services import way_forward as service
from kommunekompass.evaluations.services.base import ServiceError


def _links(form) -> dict:
    return {
        "focus_areas": list(form.cleaned_data["focus_areas"]),
        "findings": list(form.cleaned_data["findings"]),
    }


@login_required
def way_forward(request, pk):
    need = "way_forward" if request.method == "POST" else "scores"
    evaluation, access = get_evaluation(request.user, pk, need)
    form = PriorityForm(request.POST or None, evaluation=evaluation)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                service.add_priority(
                    evaluation=evaluation,
                    user=request.user,
                    text=form.cleaned_data["text"],
                    **_links(form),
                )
            except ServiceError as error:
                form.add_error(error.field, str(error))
            else:
                messages.success(request, _("The priority is added."))
                return redirect("evaluations:way_forward", pk=pk)
    priorities = evaluation.priorities.prefetch_related("focus_areas", "findings__focus_area")
    return render(
        request,
        "evaluations/way_forward.html",
        {"evaluation": evaluation, "access": access, "priorities": priorities, "form": form},
        status=status,
    )


def _priority(request, pk, priority_id):
    evaluation, access = get_evaluation(request.user, pk, "way_forward")
    priority = get_object_or_404(
        Priority.objects.select_related("evaluation"), pk=priority_id, evaluation=evaluation
    )
    return evaluation, access, priority


@login_required
def priority_edit(request, pk, priority_id):
    evaluation, access, priority = _priority(request, pk, priority_id)
    form = PriorityForm(request.POST or None, initial=_initial(priority), evaluation=evaluation)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                saved = service.change_priority(
                    priority=priority,
                    user=request.user,
                    text=form.cleaned_data["text"],
                    expected_version=form.cleaned_data["version"],
                    **_links(form),
                )
            except ServiceError as error:
                form.add_error(error.field, str(error))
            else:
                if saved:
                    messages.success(request, _("The priority is saved."))
                    return redirect("evaluations:way_forward", pk=pk)
                messages.error(
                    request,
                    _(
                        "Not saved: someone else changed this priority after you opened it. "
                        "Their version is shown; your text was: “%(text)s”"
                    )
                    % {"text": form.cleaned_data["text"]},
                )
                priority = Priority.objects.get(pk=priority.pk)
                form = PriorityForm(initial=_initial(priority), evaluation=evaluation)
                status = 409
    return render(
        request,
        "evaluations/priority_form.html",
        {"evaluation": evaluation, "access": access, "priority": priority, "form": form},
        status=status,
    )


def _initial(priority) -> dict:
    return {
        "text": priority.text,
        "focus_areas": list(priority.focus_areas.all()),
        "findings": list(priority.findings.all()),
        "version": priority.version,
    }


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
