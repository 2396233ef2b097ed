"""Uploading a results file: check it and show what would be written (a dry run), then write it
when the user confirms. The file waits between the two steps in the data directory."""

import secrets
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kommunekompass.evaluations.access import is_evaluator
from kommunekompass.evaluations.models import Evaluation
from kommunekompass.frameworks.models import Framework
from kommunekompass.imports.applying import import_results
from kommunekompass.imports.parsing import FileUnreadable

MAX_BYTES = 20 * 1024 * 1024


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
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


def _waiting_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _require_evaluator(request):
    if not is_evaluator(request.user):
        raise PermissionDenied(_("Only evaluators may import results."))


@login_required
def upload(request):
    _require_evaluator(request)
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
            token = secrets.token_urlsafe(16)
            (_waiting_dir() / f"{token}.upload").write_bytes(data)
            request.session[f"import-{token}"] = {
                "filename": upload.name,
                "framework": [framework.key, framework.version],
            }
            return render(
                request,
                "imports/preview.html",
                {"plan": outcome.plan, "token": token},
                status=200 if outcome.plan.ok else 422,
            )
    return render(request, "imports/upload.html", {"form": form})


@require_POST
@login_required
def confirm(request):
    _require_evaluator(request)
    token = request.POST.get("token", "")
    waiting = request.session.pop(f"import-{token}", None)
    path = _waiting_dir() / f"{token}.upload"
    if (
        waiting is None
        or not token.replace("-", "").replace("_", "").isalnum()
        or not path.exists()
    ):
        messages.error(request, _("That upload is gone; please upload the file again."))
        return redirect("imports:upload")
    try:
        data = path.read_bytes()
    except FileNotFoundError:  # a second confirmation of the same upload finished first
        messages.error(request, _("That upload is gone; please upload the file again."))
        return redirect("imports:upload")
    # A second confirmation that arrives while this one writes finds the evaluations there
    # when its turn to write comes, and is told so; the file is removed once written.
    outcome = import_results(
        data,
        waiting["filename"],
        default_framework=tuple(waiting["framework"]),
        dry_run=False,
        user=request.user,
    )
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
