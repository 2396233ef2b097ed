"""The admin: where the site administrator manages municipalities, people and their roles.

Scores, findings and the audit history are changed only through the app (with version checks
and the audit trail), so the admin shows them read-only.
"""

from django.contrib import admin

from kommunekompass.core.admin import ReadOnlyAdmin
from kommunekompass.evaluations.models import (
    AuditEntry,
    Evaluation,
    Evidence,
    Finding,
    Interview,
    Membership,
    Municipality,
    Priority,
    Score,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "number", "county", "country", "population"]
    list_filter = ["country"]
    search_fields = ["name", "number", "county"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "role"]
    list_filter = ["role", "municipality"]
    autocomplete_fields = ["user", "municipality"]


class PriorityInline(admin.TabularInline):
    """The way forward the council chose: shown at the end of the report."""

    model = Priority
    extra = 1


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    inlines = [PriorityInline]
    list_display = ["municipality", "year", "framework", "status"]
    list_filter = ["status", "framework"]
    list_select_related = ["municipality", "framework"]
    filter_horizontal = ["evaluators"]
    readonly_fields = ["status", "published_at"]  # status changes go through the app, logged


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ["evaluation", "role", "date", "held"]
    list_filter = ["role", "held"]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["evaluation", "title", "original_name", "url"]


class HistoryAdmin(ReadOnlyAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Score)
class ScoreAdmin(HistoryAdmin):
    list_display = ["evaluation", "question", "levels", "version", "updated_at"]
    list_select_related = ["evaluation__municipality", "question"]


@admin.register(Finding)
class FindingAdmin(HistoryAdmin):
    list_display = ["evaluation", "focus_area", "kind", "text"]
    list_select_related = ["evaluation__municipality", "focus_area"]


@admin.register(AuditEntry)
class AuditEntryAdmin(HistoryAdmin):
    list_display = ["at", "evaluation", "user", "action", "subject"]
    list_filter = ["action"]
    list_select_related = ["evaluation__municipality", "user"]
