"""An uploaded bundle on its way through the job queue."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BundleImportState(models.TextChoices):
    WAITING = "waiting", _("waiting")
    IMPORTING = "importing", _("being imported")
    IMPORTED = "imported", _("imported")
    REFUSED = "refused", _("refused")
    FAILED = "failed", _("failed")


class BundleImport(models.Model):
    """A bundle uploaded for import: kept in the shared file storage under `stored_name` until
    its job has checked and imported it (all or nothing), or refused it with the reason.

    waiting -> importing -> imported (the evaluation) | refused (the reason); a job that fails
    on its last attempt leaves it failed, with the error."""

    State = BundleImportState

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(_("file name"), max_length=300)
    stored_name = models.CharField(_("stored as"), max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    municipality = models.ForeignKey(
        "evaluations.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Import into municipality"),
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=BundleImportState, default=BundleImportState.WAITING
    )
    # The evaluation made; empty if it is deleted later (a draft may be).
    evaluation = models.ForeignKey(
        "evaluations.Evaluation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evaluation"),
    )
    created_users = models.JSONField(_("people created"), default=list, blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("bundle upload")
        verbose_name_plural = _("bundle uploads")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=BundleImportState.values),
                name="bundle_import_state_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["refused", "failed"]) | ~models.Q(error=""),
                name="bundle_import_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state not in (self.State.WAITING, self.State.IMPORTING)
