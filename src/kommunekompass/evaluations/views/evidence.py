"""Evidence: uploaded documents and links, attached to questions. Files are served only to
people who may see the evaluation's working material. Changes go through
evaluations.services.evidence (history; a deleted file leaves storage after the commit)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunekompass.evaluations.access import get_evaluation
from kommunekompass.evaluations.forms import EvidenceChangeForm, EvidenceForm
from kommunekompass.evaluations.models import Evidence
from kommunekompass.evaluations.services import evidence as service
from kommunekompass.evaluations.services.base import ServiceError


@login_required
def evidence_list(request, pk):
    need = "edit" if request.method == "POST" else "work"
    evaluation, access = get_evaluation(request.user, pk, need)
    form = EvidenceForm(request.POST or None, request.FILES or None, evaluation=evaluation)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            try:
                service.add_evidence(
                    evaluation=evaluation,
                    user=request.user,
                    title=form.cleaned_data["title"],
                    questions=list(form.cleaned_data["questions"]),
                    upload=upload or None,
                    content_type=getattr(form, "detected_type", "") if upload else "",
                    url=form.cleaned_data.get("url") or "",
                )
            except ServiceError as error:
                form.add_error(error.field, str(error))
            else:
                messages.success(request, _("The evidence is added."))
                return redirect("evaluations:evidence", pk=pk)
        status = 422
    return render(
        request,
        "evaluations/evidence.html",
        {
            "evaluation": evaluation,
            "access": access,
            "evidence": evaluation.evidence.prefetch_related("questions"),
            "form": form,
        },
        status=status,
    )


def _evidence(request, pk, evidence_id, need):
    evaluation, access = get_evaluation(request.user, pk, need)
    item = get_object_or_404(
        Evidence.objects.select_related("evaluation"), pk=evidence_id, evaluation=evaluation
    )
    return evaluation, access, item


@login_required
def evidence_edit(request, pk, evidence_id):
    need = "edit" if request.method == "POST" else "work"
    evaluation, access, item = _evidence(request, pk, evidence_id, need)
    form = EvidenceChangeForm(request.POST or None, evidence=item)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                saved = service.change_evidence(
                    evidence=item,
                    user=request.user,
                    title=form.cleaned_data["title"],
                    questions=list(form.cleaned_data["questions"]),
                    url=form.cleaned_data.get("url") if "url" in form.fields else None,
                    expected_version=form.cleaned_data["version"],
                )
            except ServiceError as error:
                form.add_error(error.field, str(error))
            else:
                if saved:
                    messages.success(request, _("The evidence is saved."))
                    return redirect("evaluations:evidence", pk=pk)
                messages.error(
                    request,
                    _(
                        "Not saved: someone else changed this evidence after you opened it. "
                        "Their version is shown; your title was: “%(title)s”"
                    )
                    % {"title": form.cleaned_data["title"]},
                )
                item = Evidence.objects.select_related("evaluation").get(pk=item.pk)
                form = EvidenceChangeForm(evidence=item)
                status = 409
    return render(
        request,
        "evaluations/evidence_form.html",
        {"evaluation": evaluation, "access": access, "item": item, "form": form},
        status=status,
    )


@require_POST
@login_required
def evidence_delete(request, pk, evidence_id):
    evaluation, access, item = _evidence(request, pk, evidence_id, "edit")
    service.delete_evidence(evidence=item, user=request.user)
    messages.success(request, _("The evidence is deleted."))
    return redirect("evaluations:evidence", pk=pk)


@login_required
def evidence_download(request, pk, evidence_id):
    evaluation, access = get_evaluation(request.user, pk, "work")
    evidence = get_object_or_404(Evidence, pk=evidence_id, evaluation=evaluation)
    if not evidence.file:
        raise Http404(_("This evidence is a link, not a file."))
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name or evidence.file.name.rsplit("/", 1)[-1],
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
