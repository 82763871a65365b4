from django.contrib import admin

from compagnons.apprenticeship.models import (
    AdoptionPiece,
    Cohort,
    Enrollment,
    Evidence,
    MentoringSession,
    Mentorship,
    MentorshipRequest,
    PathProfile,
    PlanGoal,
    StageTransition,
)
from compagnons.core.admin_tools import ReadOnlyAdmin


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "funding", "capacity", "formateur"]
    list_filter = ["funding"]
    search_fields = ["name"]


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin):
    list_display = ["member", "cohort", "stage", "status", "last_activity_at"]
    list_filter = ["stage", "status", "cohort"]
    list_select_related = ["member", "cohort"]
    search_fields = ["member__email", "member__last_name"]


@admin.register(StageTransition)
class StageTransitionAdmin(ReadOnlyAdmin):
    list_display = ["enrollment", "from_stage", "to_stage", "at", "by"]


@admin.register(Mentorship)
class MentorshipAdmin(ReadOnlyAdmin):
    list_display = ["apprentice", "mentor", "started_at", "ended_at"]
    list_select_related = ["apprentice", "mentor"]
    search_fields = ["apprentice__email", "mentor__email", "apprentice__last_name", "mentor__last_name"]


@admin.register(MentorshipRequest)
class MentorshipRequestAdmin(ReadOnlyAdmin):
    list_display = ["apprentice", "compagnon", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["apprentice", "compagnon"]


@admin.register(MentoringSession)
class MentoringSessionAdmin(ReadOnlyAdmin):
    list_display = ["date", "apprentice", "mentor", "duration_minutes", "mode", "status"]
    list_filter = ["status", "mode"]
    list_select_related = ["apprentice", "mentor"]
    date_hierarchy = "date"


@admin.register(PlanGoal)
class PlanGoalAdmin(ReadOnlyAdmin):
    list_display = ["apprentice", "competence", "target_date"]
    list_select_related = ["apprentice", "competence"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["apprentice", "title", "kind", "status", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["apprentice"]
    exclude = ["file"]


@admin.register(AdoptionPiece)
class AdoptionPieceAdmin(ReadOnlyAdmin):
    list_display = ["enrollment", "recorded_by", "recorded_at", "confirmed_at"]


@admin.register(PathProfile)
class PathProfileAdmin(admin.ModelAdmin):
    list_display = ["member", "mentor_capacity", "accepting_apprentices", "public_in_chain"]
    list_select_related = ["member"]
