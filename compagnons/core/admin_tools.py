from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written through services (audit-logged): the admin looks, it never adds, edits or deletes."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
