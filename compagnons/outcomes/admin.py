from django.contrib import admin

from compagnons.core.admin_tools import ReadOnlyAdmin
from compagnons.outcomes.models import Exit, FollowUp


@admin.register(Exit)
class ExitAdmin(ReadOnlyAdmin):
    list_display = ["member", "cohort", "kind", "route", "exited_on"]
    list_filter = ["kind", "route"]
    list_select_related = ["member", "cohort"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["exit", "wave", "due_on", "sent_at", "reminders_sent", "answered_at", "channel", "situation"]
    list_filter = ["wave", "channel", "situation"]
