"""Comparison groups that users define, and the group each report compares with. The built-in
groups (all, by country, county or size) are computed from the municipalities and need no rows
(see comparisons.groups)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kommunekompass.evaluations.models import Evaluation, Municipality


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


class ReportGroup(models.Model):
    """The group an evaluation's report compares with: a built-in group by its key ("all",
    "country-NO", "county-Vestland", "population-5000-20000"), or a custom group by reference,
    so that a custom group in use cannot be deleted. No row: "all".

    Changed only through comparisons.services.set_report_group, which records the history."""

    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.CASCADE, primary_key=True, related_name="report_group"
    )
    key = models.CharField(_("built-in group"), max_length=100, blank=True)
    custom_group = models.ForeignKey(
        ComparisonGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("comparison group"),
    )

    class Meta:
        verbose_name = _("comparison group of a report")
        verbose_name_plural = _("comparison groups of reports")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(custom_group__isnull=True)
                    & ~models.Q(key="")
                    & ~models.Q(key__startswith="custom-")
                )
                | models.Q(custom_group__isnull=False, key=""),
                name="report_group_builtin_or_custom",
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id}: {self.custom_group or self.key}"
