"""Uploading a results file: check it and show what would be written (a dry run), then write it
when the user confirms. The file waits between the two steps in the data directory, with the
SHA-256 of its bytes: the confirmation imports exactly the bytes that were previewed, or
refuses. Waiting files older than a day are removed on every upload and confirmation.

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
from kommunekompass.imports import pending
from kommunekompass.imports.access import batches_visible_to, may_import
from kommunekompass.imports.applying import import_results
from kommunekompass.imports.parsing import FileUnreadable, limits
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
    _require_importer(request)
    pending.clean_pending()
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        framework = form.cleaned_data["framework"]
        data = upload.read()
        try:
            outcome = import_results(
                data,
                upload.name,
                default_framework=(framework.key, framework.version),
                dry_run=True,
            )
        except FileUnreadable as error:
            form.add_error("file", str(error))
        else:
            if not outcome.plan.ok:
                return render(request, "imports/preview.html", {"plan": outcome.plan}, status=422)
            token, sha256 = pending.keep(data)
            request.session[f"import-{token}"] = {
                "filename": upload.name,
                "framework": [framework.key, framework.version],
                "sha256": sha256,
            }
            return render(
                request,
                "imports/preview.html",
                {"plan": outcome.plan, "token": token, "sha256": sha256},
            )
    return render(request, "imports/upload.html", {"form": form})


def _gone(request, message=None):
    messages.error(request, message or _("That upload is gone; please upload the file again."))
    return redirect("imports:upload")


@require_POST
@login_required
def confirm(request):
    _require_importer(request)
    pending.clean_pending()
    token = request.POST.get("token", "")
    waiting = request.session.pop(f"import-{token}", None)
    path = pending.path_of(token)
    if waiting is None or path is None:
        return _gone(request)
    try:
        data = path.read_bytes()
    except FileNotFoundError:  # a second confirmation of the same upload finished first
        return _gone(request)
    if pending.sha256_of(data) != waiting["sha256"] or (
        request.POST.get("sha256", "") != waiting["sha256"]
    ):
        path.unlink(missing_ok=True)
        return _gone(request, _("The file changed since the preview; please upload it again."))
    # A second confirmation that arrives while this one writes finds the evaluations there
    # when its turn to write comes, and is told so; the file is removed once written.
    try:
        outcome = import_results(
            data,
            waiting["filename"],
            default_framework=tuple(waiting["framework"]),
            dry_run=False,
            user=request.user,
        )
    except FileUnreadable:  # cannot be, as the same bytes were read at the preview
        path.unlink(missing_ok=True)
        return _gone(request)
    path.unlink(missing_ok=True)
    if not outcome.written:
        return render(request, "imports/preview.html", {"plan": outcome.plan}, status=422)
    messages.success(
        request,
        _("%(count)s evaluation(s) imported from %(file)s.")
        % {"count": len(outcome.evaluation_ids), "file": waiting["filename"]},
    )
    first = Evaluation.objects.filter(pk__in=outcome.evaluation_ids).order_by("pk").first()
    return redirect(
        f"/comparisons/municipalities/{first.municipality_id}/?framework={first.framework_id}"
    )


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
