from django.contrib import admin

from compagnons.certification.models import Appeal, Decision, JurySession, Masterpiece


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Masterpiece)
class MasterpieceAdmin(ReadOnlyAdmin):
    list_display = ["title", "candidate", "route", "status", "created_at"]
    list_filter = ["route", "status"]


@admin.register(JurySession)
class JurySessionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "place", "status"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "route", "outcome", "decided_at"]
    list_filter = ["route", "outcome"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["decision", "status", "created_at"]
