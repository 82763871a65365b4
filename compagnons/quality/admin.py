from django.contrib import admin

from compagnons.core.admin_tools import ReadOnlyAdmin
from compagnons.quality.models import AuditExport, Complaint, ImprovementAction, Survey


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "audience", "person", "cohort", "invited_at", "reminders_sent", "answered_at"]
    list_filter = ["kind", "audience", "cohort"]
    list_select_related = ["person", "cohort"]
    search_fields = ["person__email"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "topic", "status", "received_at", "due_on", "owner"]
    list_filter = ["status", "kind", "topic"]
    list_select_related = ["owner"]
    search_fields = ["number", "subject"]


@admin.register(ImprovementAction)
class ImprovementActionAdmin(ReadOnlyAdmin):
    list_display = ["title", "cause", "status", "due_on", "owner"]
    list_filter = ["status", "cause"]
    list_select_related = ["owner"]


@admin.register(AuditExport)
class AuditExportAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "apprentice", "status", "progress", "created_at"]
    list_filter = ["kind", "status"]
    exclude = ["file"]
