"""The admin: where the site administrator may also manage municipalities and their people's
roles (the app has pages for both; changes here go through the same services).

Everything of an evaluation (the evaluation itself, scores, findings, interviews, evidence, the
way forward, review comments, published versions and the history) changes only through the
app, whose services check versions and write the history, so the admin shows it read-only. An
evaluation is never deleted: withdraw it on its page. Roles in a municipality are granted,
changed and revoked here, through evaluations.services.memberships, so they are in the
municipality's history too.
"""

from django.contrib import admin, messages

from kommunekompass.evaluations.models import (
    AuditEntry,
    Evaluation,
    Evidence,
    Finding,
    Interview,
    Membership,
    Municipality,
    Priority,
    PublishedVersion,
    ReviewComment,
    Score,
)
from kommunekompass.evaluations.services import memberships as service
from kommunekompass.evaluations.services import municipalities as municipality_service
from kommunekompass.evaluations.services.base import ServiceError
from kommunekompass.lib.admin import ReadOnlyAdmin


def _save_membership(request, membership, *, is_new: bool) -> None:
    """A membership from an admin form, through the services. For an existing row whose
    person changed, the old role is revoked and the new person's granted."""
    if is_new:
        created = service.grant_membership(
            user=request.user,
            person_user=membership.user,
            municipality=membership.municipality,
            role=membership.role,
        )
        membership.pk = created.pk
        return
    stored = Membership.objects.get(pk=membership.pk)
    if stored.user_id != membership.user_id or stored.municipality_id != membership.municipality_id:
        service.revoke_membership(user=request.user, membership=stored)
        created = service.grant_membership(
            user=request.user,
            person_user=membership.user,
            municipality=membership.municipality,
            role=membership.role,
        )
        membership.pk = created.pk
        return
    service.change_membership(user=request.user, membership=stored, role=membership.role)


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

    def save_model(self, request, obj, form, change):
        # Through the service, so the change is in the municipality's history.
        values = {name: getattr(obj, name) for name in municipality_service.FIELDS}
        if not change:
            created = municipality_service.add_municipality(user=request.user, **values)
            obj.pk = created.pk
            return
        stored = Municipality.objects.get(pk=obj.pk)
        municipality_service.change_municipality(municipality=stored, user=request.user, **values)

    def has_delete_permission(self, request, obj=None):
        # A municipality with evaluations or history is protected by the database anyway.
        return super().has_delete_permission(request, obj) and (
            obj is None or not (obj.evaluations.exists() or obj.audit.exists())
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        try:
            for membership in formset.deleted_objects:
                service.revoke_membership(user=request.user, membership=membership)
            for membership in formset.new_objects:
                _save_membership(request, membership, is_new=True)
            for membership, _fields in formset.changed_objects:
                _save_membership(request, membership, is_new=False)
        except ServiceError as error:
            messages.error(request, str(error))


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "role"]
    list_filter = ["role", "municipality"]
    autocomplete_fields = ["user", "municipality"]

    def save_model(self, request, obj, form, change):
        _save_membership(request, obj, is_new=not change)

    def delete_model(self, request, obj):
        service.revoke_membership(user=request.user, membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            service.revoke_membership(user=request.user, membership=membership)


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    """Read-only: evaluations are created, changed, published and withdrawn in the app."""

    list_display = ["municipality", "year", "framework", "status", "published_version"]
    list_filter = ["status", "framework"]
    list_select_related = ["municipality", "framework"]
    search_fields = ["municipality__name"]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "question", "levels", "version", "updated_at"]
    list_select_related = ["evaluation__municipality", "question"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "focus_area", "kind", "text"]
    list_select_related = ["evaluation__municipality", "focus_area"]


@admin.register(Interview)
class InterviewAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "role", "date", "held"]
    list_filter = ["role", "held"]
    list_select_related = ["evaluation__municipality"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "title", "original_name", "url"]
    list_select_related = ["evaluation__municipality"]


@admin.register(Priority)
class PriorityAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "position", "text"]
    list_select_related = ["evaluation__municipality"]


@admin.register(ReviewComment)
class ReviewCommentAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "subject", "author", "created_at", "answered_at", "resolved_at"]
    list_select_related = ["evaluation__municipality", "author"]


@admin.register(PublishedVersion)
class PublishedVersionAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "number", "published_at", "published_by_name", "published_alone"]
    list_select_related = ["evaluation__municipality"]
    exclude = ["data"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "municipality", "evaluation", "user", "action", "subject"]
    list_filter = ["action"]
    list_select_related = ["municipality", "evaluation__municipality", "user"]
