from django.contrib import admin

from compagnons.core.models import AuditLog, PeriodicJobRun


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "target_type", "target_repr"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "target_repr", "target_id"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "target_type"]
    raw_id_fields = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PeriodicJobRun)
class PeriodicJobRunAdmin(admin.ModelAdmin):
    list_display = ["name", "last_enqueued_at", "runs"]
    readonly_fields = ["name", "last_enqueued_at", "runs"]

    def has_add_permission(self, request):
        return False
