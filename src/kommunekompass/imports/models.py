"""Where imported results came from: one ImportBatch per imported file."""

from django.conf import settings
from django.db import models
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
