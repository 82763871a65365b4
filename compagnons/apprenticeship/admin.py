from django.contrib import admin

from compagnons.apprenticeship.models import Mentorship


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ["apprentice", "mentor", "started_at", "ended_at"]
    list_filter = ["ended_at"]
    list_select_related = ["apprentice", "mentor"]
    search_fields = ["apprentice__email", "mentor__email", "apprentice__last_name", "mentor__last_name"]
    readonly_fields = ["apprentice", "mentor", "started_at", "ended_at", "end_reason", "assigned_by"]

    def has_add_permission(self, request):
        # Pairing goes through services (audit-logged).
        return False
