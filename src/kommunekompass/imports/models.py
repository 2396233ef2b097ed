"""Where imported results came from: one ImportBatch per imported file."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One file imported: its name and SHA-256, who imported it and when, and the evaluations
    it created. `imported_by` is empty for a system import (the command line without --user).

    Its permission `imports.import_results` is what importing published results requires;
    site administrators have it, the Evaluators group does not by default."""

    file_name = models.CharField(_("file name"), max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    # The name as it was, so the record stays readable if the account is removed.
    imported_by_name = models.CharField(_("imported by"), max_length=300, blank=True)
    imported_at = models.DateTimeField(_("imported"))
    rows = models.PositiveIntegerField(_("rows"), default=0)
    evaluations = models.ManyToManyField(
        "evaluations.Evaluation", related_name="import_batches", verbose_name=_("evaluations")
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-imported_at", "-pk"]
        permissions = [("import_results", _("May import published results from files"))]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"


# A check writes its progress every half second; an import writes its evaluations in one
# transaction and its row only at the end, so it is given longer.
STALLED_CHECK = datetime.timedelta(minutes=10)
STALLED_IMPORT = datetime.timedelta(minutes=30)


class ImportRunState(models.TextChoices):
    WAITING = "waiting", _("waiting")
    CHECKING = "checking", _("being checked")
    CHECKED = "checked", _("checked")
    REFUSED = "refused", _("refused")
    IMPORTING = "importing", _("being imported")
    IMPORTED = "imported", _("imported")
    FAILED = "failed", _("failed")


class ImportRun(models.Model):
    """An uploaded results file on its way through the job queue: checked (a dry run), shown,
    confirmed, imported. Its file waits in the shared file storage under `stored_name`.

    waiting -> checking -> checked (the plan, no errors) | refused (the plan's errors)
    checked -> importing -> imported (the batch) | refused (the evaluations were there by then)
    any of waiting, checking, importing -> failed (the error in words; "try again" starts over)
    """

    State = ImportRunState

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(_("file name"), max_length=300)
    stored_name = models.CharField(_("stored as"), max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    framework = models.ForeignKey(
        "frameworks.Framework",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("framework, where the file names none"),
    )
    # The uploader's language: the plan's messages are written in it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=ImportRunState, default=ImportRunState.WAITING
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    plan = models.JSONField(_("plan"), null=True, blank=True)
    batch = models.OneToOneField(
        ImportBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="run",
        verbose_name=_("import"),
    )
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=ImportRunState.values),
                name="import_run_state_known",
            ),
            # Imported: exactly then it has its batch.
            models.CheckConstraint(
                condition=models.Q(state="imported", batch__isnull=False)
                | (~models.Q(state="imported") & models.Q(batch__isnull=True)),
                name="import_run_batch_when_imported",
            ),
            # Checked, refused, importing and imported show a plan.
            models.CheckConstraint(
                condition=~models.Q(state__in=["checked", "refused", "importing", "imported"])
                | models.Q(plan__isnull=False),
                name="import_run_plan_when_checked",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="failed") | ~models.Q(error=""),
                name="import_run_failed_has_error",
            ),
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")),
                name="import_run_done_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        """Nothing runs now: the page stops asking."""
        return self.state not in (self.State.WAITING, self.State.CHECKING, self.State.IMPORTING)

    @property
    def stalled(self) -> bool:
        """Unfinished and unchanged for longer than any check or import takes: its worker
        stopped (the machine went down, the process was killed), so it may be tried again."""
        limit = STALLED_IMPORT if self.state == self.State.IMPORTING else STALLED_CHECK
        return not self.finished and self.updated_at < timezone.now() - limit
