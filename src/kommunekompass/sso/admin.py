from django.contrib import admin

from kommunekompass.sso.models import Identity


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    """Read, and unlink (delete): the person links again through an invitation."""

    list_display = ["user", "provider", "subject", "linked_by", "linked_at", "last_sign_in_at"]
    list_filter = ["provider", "linked_by"]
    search_fields = ["user__username", "user__email", "subject"]
    readonly_fields = [field.name for field in Identity._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
