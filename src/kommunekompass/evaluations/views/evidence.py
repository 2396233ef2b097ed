"""Evidence: uploaded documents and links, attached to questions. Files are served only to
people who may see the evaluation's working material."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kommunekompass.evaluations.access import get_evaluation
from kommunekompass.evaluations.audit import touch
from kommunekompass.evaluations.forms import EvidenceForm
from kommunekompass.evaluations.models import Evidence


@login_required
def evidence_list(request, pk):
    need = "edit" if request.method == "POST" else "work"
    evaluation, access = get_evaluation(request.user, pk, need)
    form = EvidenceForm(request.POST or None, request.FILES or None, evaluation=evaluation)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            evidence = form.save(commit=False)
            evidence.evaluation = evaluation
            evidence.added_by = request.user
            upload = form.cleaned_data.get("file")
            if upload:
                evidence.original_name = upload.name[:255]
                evidence.size = upload.size
                evidence.content_type = form.detected_type
            evidence.save()
            form.save_m2m()
            touch(evaluation)
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
