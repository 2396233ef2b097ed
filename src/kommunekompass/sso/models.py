"""Single sign-on: which account a provider's subject signs in to.

An account is found by the provider's issuer and subject (the ID token's `iss` and `sub`),
never by an e-mail address. The link is made on the first sign-in: by a person already logged
in here, through an invitation, or, where a provider's settings allow it, through an e-mail
address the provider says it verified.
Roles stay in the app (evaluations.Membership and the rest).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Identity(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities"
    )
    provider = models.CharField(_("provider"), max_length=40)
    issuer = models.CharField(_("issuer"), max_length=500)
    subject = models.CharField(pgettext_lazy("single sign-on", "subject"), max_length=255)
    linked_at = models.DateTimeField(_("linked"), default=timezone.now)
    linked_by = models.CharField(_("linked by"), max_length=40)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        ordering = ["provider", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_once"),
            models.UniqueConstraint(fields=["user", "issuer"], name="sso_one_identity_per_issuer"),
            models.CheckConstraint(
                condition=~models.Q(subject="") & ~models.Q(issuer=""),
                name="sso_identity_not_blank",
            ),
            models.CheckConstraint(
                condition=models.Q(linked_by__in=["signed_in", "invitation", "verified_email"]),
                name="sso_identity_linked_by_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.subject} -> {self.user}"
