"""Until the programme pages come, the programme is kept in the admin."""

from django.contrib import admin

from kommunekompass.improvement.models import (
    DecisionPoint,
    GroupMember,
    Indicator,
    Measurement,
    Milestone,
    Programme,
    Project,
    Risk,
)


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    extra = 1


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["municipality", "name", "started"]
    inlines = [GroupMemberInline]


class DecisionPointInline(admin.TabularInline):
    model = DecisionPoint
    extra = 1


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 1


class RiskInline(admin.TabularInline):
    model = Risk
    extra = 1


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "status", "project_leader", "ends"]
    list_filter = ["status"]
    filter_horizontal = ["focus_areas"]
    raw_id_fields = ["findings"]
    inlines = [DecisionPointInline, MilestoneInline, RiskInline]


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 1


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "kind", "baseline", "target", "frequency"]
    list_filter = ["kind"]
    inlines = [MeasurementInline]
