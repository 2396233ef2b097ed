"""Comparison groups that users define; the built-in ones (all, by country, county or size)
are computed from the municipalities and need no rows (see comparisons.groups)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kommunekompass.evaluations.models import Municipality


class ComparisonGroup(models.Model):
    name = models.CharField(_("name"), max_length=200)
    municipalities = models.ManyToManyField(
        Municipality, related_name="comparison_groups", verbose_name=_("municipalities")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comparison group")
        verbose_name_plural = _("comparison groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
