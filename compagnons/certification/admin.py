from django.contrib import admin

from compagnons.certification.models import Appeal, Decision, JurySession, Masterpiece
from compagnons.core.admin_tools import ReadOnlyAdmin


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
