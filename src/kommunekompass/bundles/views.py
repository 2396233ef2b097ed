"""Exporting an evaluation's bundle from its page, and importing a bundle by upload, as a job
of the queue (bundles.jobs). The same checks and messages as the command line
(kommunekompass.bundles.importing)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunekompass.bundles import format as bundle_format
from kommunekompass.bundles import jobs as bundle_jobs
from kommunekompass.bundles.access import get_exportable, import_targets, may_import
from kommunekompass.bundles.exporting import ExportError, export_evaluation
from kommunekompass.bundles.models import BundleImport

MAX_UPLOAD = 512 * 1024 * 1024


@login_required
def export_bundle(request, pk):
    evaluation = get_exportable(request.user, pk)
    try:
        content = export_evaluation(evaluation)
    except ExportError as error:
        messages.error(request, str(error))
        return redirect("evaluations:detail", evaluation.pk)
    filename = (
        f"kommunekompass-{evaluation.municipality.number}-{evaluation.year}-"
        f"{evaluation.framework.key}-{evaluation.framework.version}.zip"
    )
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Evaluation bundle (.zip)"))
    municipality = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=gettext_lazy("Import into municipality"),
        empty_label=gettext_lazy("The bundle's own municipality"),
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = targets

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD // (1024 * 1024)}
            )
        return upload


@login_required
def import_page(request):
    """Keep the bundle and enqueue its import; the upload's page follows it."""
    targets = import_targets(request.user)
    if not targets.exists():
        raise Http404(_("No such page."))
    form = ImportForm(request.POST or None, request.FILES or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        run = bundle_jobs.start(
            request.user,
            form.cleaned_data["file"],
            form.cleaned_data["municipality"],
            request.LANGUAGE_CODE,
        )
        return redirect("bundles:run", run.pk)
    return render(
        request,
        "bundles/import.html",
        {"form": form, "format_version": bundle_format.FORMAT_VERSION},
    )


@login_required
def import_run(request, pk):
    """An uploaded bundle: being imported (HTMX asks again every two seconds), then imported
    with its link and notes, or refused with the reason. For those who may import (404)."""
    if not may_import(request.user):
        raise Http404(_("No such page."))
    run = BundleImport.objects.filter(pk=pk).select_related("evaluation").first()
    if run is None:
        raise Http404(_("No such page."))
    template = "bundles/_run.html" if request.headers.get("HX-Request") else "bundles/run.html"
    return render(request, template, {"run": run})
