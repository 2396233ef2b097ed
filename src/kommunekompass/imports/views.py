"""Uploading a results file: the check (a dry run) and the import run as jobs (imports.runs);
the run's page shows their progress, the plan, and the outcome. The file waits in the shared
file storage with the SHA-256 of its bytes: the confirmation imports exactly the bytes that
were previewed, or refuses. Waiting files older than a day are removed on every upload and
confirmation.

Importing published results needs the permission `imports.import_results` (site
administrators have it). The imports made are listed with their file and who made them; the
importer or a site administrator may withdraw an import's results (imports.services)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kommunekompass.evaluations.models import Evaluation
from kommunekompass.evaluations.services.workflow import TransitionError
from kommunekompass.frameworks.models import Framework
from kommunekompass.imports import runs
from kommunekompass.imports.access import batches_visible_to, may_import
from kommunekompass.imports.models import ImportRun
from kommunekompass.imports.parsing import limits
from kommunekompass.imports.services import may_withdraw, withdraw_batch
from kommunekompass.lib.forms import RefuseControlCharacters


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Results file (CSV or .xlsx)"))
    framework = forms.ModelChoiceField(
        queryset=Framework.objects.none(),
        label=gettext_lazy("Framework, where the file names none"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        frameworks = Framework.objects.defer("document", "source").order_by("key", "-version")
        self.fields["framework"].queryset = frameworks
        self.fields["framework"].initial = frameworks.filter(key="kommunekompass").first()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        maximum = limits().max_bytes
        if upload.size > maximum:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": f"{maximum / (1024 * 1024):g}"}
            )
        return upload


class WithdrawForm(RefuseControlCharacters, forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Shown in the history of every evaluation withdrawn."),
    )


def _require_importer(request):
    if not may_import(request.user):
        raise PermissionDenied(_("Only those allowed to import results may do so."))


@login_required
def upload(request):
    """Keep the file and enqueue its check; the run's page shows how it goes."""
    _require_importer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = runs.start(
            request.user,
            upload.name,
            upload.read(),
            form.cleaned_data["framework"],
            request.LANGUAGE_CODE,
        )
        return redirect("imports:run", pk=run.pk)
    return render(request, "imports/upload.html", {"form": form})


@login_required
def run(request, pk: int):
    """An upload's progress, then its plan (with the confirmation), then its outcome. HTMX asks
    for the fragment every two seconds while a job runs."""
    _require_importer(request)
    found = runs.visible_run(request.user, pk)
    result = runs.first_result(found) if found.state == ImportRun.State.IMPORTED else None
    context = {
        "run": found,
        "plan": runs.shown_plan(found),
        "result_url": (
            f"/comparisons/municipalities/{result[0]}/?framework={result[1]}" if result else ""
        ),
    }
    if request.headers.get("HX-Request"):
        return render(request, "imports/_run.html", context)
    return render(request, "imports/run.html", context)


@require_POST
@login_required
def confirm(request, pk: int):
    """Import the checked file: the import is a job; back to the run's page."""
    _require_importer(request)
    try:
        runs.confirm(request.user, pk, request.POST.get("sha256", ""))
    except runs.Refused as refused:
        messages.error(request, str(refused))
        return redirect("imports:upload")
    return redirect("imports:run", pk=pk)


@require_POST
@login_required
def try_again(request, pk: int):
    _require_importer(request)
    try:
        runs.try_again(request.user, pk)
    except runs.Refused as refused:
        messages.error(request, str(refused))
        return redirect("imports:upload")
    return redirect("imports:run", pk=pk)


@login_required
def batches(request):
    _require_importer(request)
    found = (
        batches_visible_to(request.user)
        .annotate(evaluation_count=Count("evaluations"))
        .order_by("-imported_at", "-pk")[:200]
    )
    return render(request, "imports/batches.html", {"batches": found})


def _batch_or_404(request, pk: int):
    found = batches_visible_to(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _batch_page(request, found, form, status=200):
    evaluations = (
        found.evaluations.select_related("municipality", "framework")
        .defer("framework__document", "framework__source")
        .order_by("municipality__name", "year")
    )
    evaluations = list(evaluations)
    context = {
        "batch": found,
        "evaluations": evaluations,
        "form": form,
        "may_withdraw": may_withdraw(found, request.user)
        and any(e.status != Evaluation.Status.WITHDRAWN for e in evaluations),
    }
    return render(request, "imports/batch.html", context, status=status)


@login_required
def batch(request, pk: int):
    return _batch_page(request, _batch_or_404(request, pk), WithdrawForm())


@require_POST
@login_required
def withdraw(request, pk: int):
    """Withdraw the import's results, with a reason: its importer or a site administrator."""
    found = _batch_or_404(request, pk)
    if not may_withdraw(found, request.user):
        raise PermissionDenied(_("Only the importer or a site administrator may withdraw them."))
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _batch_page(request, found, form, status=400)
    try:
        withdrawn = withdraw_batch(found, request.user, form.cleaned_data["note"])
    except TransitionError as error:
        form.add_error(None, str(error))
        return _batch_page(request, found, form, status=400)
    messages.success(request, _("%(count)s evaluation(s) withdrawn.") % {"count": len(withdrawn)})
    return redirect("imports:batch", pk=found.pk)
