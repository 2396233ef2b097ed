"""The programme in the admin: to read only. Every change goes through improvement.services,
which checks it and records it in the programme's history (see the programme's pages)."""

from django.contrib import admin

from kommunekompass.improvement.models import (
    DecisionPoint,
    GroupMember,
    Indicator,
    Measurement,
    Milestone,
    Programme,
    ProgrammeChange,
    Project,
    Risk,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows rows; adds, changes and deletes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class GroupMemberInline(ReadOnlyInline):
    model = GroupMember
    fields = ["group", "name", "title", "party", "function", "user"]


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "name", "started"]
    inlines = [GroupMemberInline]


class DecisionPointInline(ReadOnlyInline):
    model = DecisionPoint


class MilestoneInline(ReadOnlyInline):
    model = Milestone


class RiskInline(ReadOnlyInline):
    model = Risk


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["title", "programme", "status", "public", "project_leader", "ends"]
    list_filter = ["status", "public"]
    inlines = [DecisionPointInline, MilestoneInline, RiskInline]


class MeasurementInline(ReadOnlyInline):
    model = Measurement


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["name", "project", "kind", "baseline", "target", "frequency"]
    list_filter = ["kind"]
    inlines = [MeasurementInline]


@admin.register(ProgrammeChange)
class ProgrammeChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "programme", "action", "subject", "project_title", "user_name"]
    list_filter = ["action"]
    date_hierarchy = "at"
