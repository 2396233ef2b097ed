"""Comparison groups that users define, and the group each report compares with. The built-in
groups (all, by country, county or size) are computed from the municipalities and need no rows
(see comparisons.groups)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommunekompass.evaluations.models import Evaluation, Municipality


class GroupVisibility(models.TextChoices):
    PRIVATE = "private", _("Private: only me")
    MUNICIPALITY = "municipality", _("Shared with the people of a municipality")
    PUBLIC = "public", _("Public: everyone, also visitors who are not logged in")


class ComparisonGroupQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The groups `user` may see and compare with: public ones, their own, those shared
        with a municipality they belong to; a site administrator sees every group."""
        public = models.Q(visibility=GroupVisibility.PUBLIC)
        if not user.is_authenticated:
            return self.filter(public)
        if user.is_superuser:
            return self.all()
        shared = models.Q(
            visibility=GroupVisibility.MUNICIPALITY,
            municipality__memberships__user=user,
        )
        return self.filter(public | models.Q(created_by=user) | shared).distinct()


class ComparisonGroup(models.Model):
    """A group of municipalities a user defined. Changed only through comparisons.services
    (create_group, change_group, delete_group), which record the history (GroupChange)."""

    Visibility = GroupVisibility

    name = models.CharField(_("name"), max_length=200)
    municipalities = models.ManyToManyField(
        Municipality, related_name="comparison_groups", verbose_name=_("municipalities")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    visibility = models.CharField(
        _("who sees the group"),
        max_length=16,
        choices=GroupVisibility.choices,
        default=GroupVisibility.PRIVATE,
    )
    # The municipality whose people see the group (visibility "municipality" only).
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="shared_comparison_groups",
        verbose_name=_("shared with"),
    )
    version = models.PositiveIntegerField(default=1)

    objects = ComparisonGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("comparison group")
        verbose_name_plural = _("comparison groups")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visibility__in=GroupVisibility.values),
                name="comparison_group_visibility_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    visibility=GroupVisibility.MUNICIPALITY, municipality__isnull=False
                )
                | (
                    ~models.Q(visibility=GroupVisibility.MUNICIPALITY)
                    & models.Q(municipality__isnull=True)
                ),
                name="comparison_group_shared_with_a_municipality",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GroupChangeAction(models.TextChoices):
    CREATED = "created", _("Comparison group created")
    CHANGED = "changed", _("Comparison group changed")
    DELETED = "deleted", _("Comparison group deleted")


class GroupChange(models.Model):
    """One change of a comparison group, kept when the group is deleted: its name is stored,
    with the values before and after (name, visibility, municipality, members)."""

    Action = GroupChangeAction

    group = models.ForeignKey(
        ComparisonGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    group_name = models.CharField(_("comparison group"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user_name = models.CharField(_("by"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=16, choices=GroupChangeAction.choices)
    old = models.JSONField(_("before"), default=dict, blank=True)
    new = models.JSONField(_("after"), default=dict, blank=True)

    class Meta:
        verbose_name = _("comparison group change")
        verbose_name_plural = _("comparison group changes")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=GroupChangeAction.values),
                name="group_change_action_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.group_name}"


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
