from django.contrib import admin

from compagnons.credentials.models import IssuedCredential, SigningKey


@admin.register(IssuedCredential)
class IssuedCredentialAdmin(admin.ModelAdmin):
    """Signed documents: read-only (revocation goes through the team's page, with a reason)."""

    list_display = ["name", "member", "achievement_type", "issued_at", "revoked_at"]
    list_filter = ["achievement_type"]
    list_select_related = ["member"]
    search_fields = ["name", "member__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    list_display = ["kid", "active", "created_at", "retired_at"]
    fields = ["kid", "public_multibase", "active", "created_at", "retired_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
