from django.contrib import admin

from compagnons.core.admin_tools import ReadOnlyAdmin
from compagnons.missions.models import (
    Application,
    Attestation,
    ClientFacts,
    Delivery,
    Dispute,
    Lead,
    Mission,
    SiteTradeOrder,
    Testimonial,
    WorkerProfile,
)


@admin.register(SiteTradeOrder)
class SiteTradeOrderAdmin(admin.ModelAdmin):
    """Staff choose here which métiers' missions each site shows first (docs/sites.md)."""

    list_display = ["site", "trade", "position"]
    list_filter = ["site"]


@admin.register(Mission)
class MissionAdmin(ReadOnlyAdmin):
    list_display = ["title", "client", "status", "budget_cents", "estimated_hours", "published_at", "deadline"]
    list_filter = ["status", "place", "pricing"]
    search_fields = ["title", "client__email"]
    list_select_related = ["client"]
    date_hierarchy = "created_at"


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["mission", "applicant", "partner", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["mission", "applicant", "partner"]
    exclude = ["message", "mentor_comment"]


@admin.register(Lead)
class LeadAdmin(ReadOnlyAdmin):
    list_display = ["author", "status", "created_at"]
    list_filter = ["status"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["mission", "status", "delivered_at", "on_time"]
    list_filter = ["status"]
    exclude = ["file"]


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ["mission", "status", "created_at", "decided_by"]
    list_filter = ["status"]


@admin.register(Testimonial)
class TestimonialAdmin(ReadOnlyAdmin):
    list_display = ["mission", "author", "about", "created_at"]


@admin.register(Attestation)
class AttestationAdmin(ReadOnlyAdmin):
    list_display = ["mission", "member", "competence", "result"]
    list_filter = ["result"]


@admin.register(ClientFacts)
class ClientFactsAdmin(ReadOnlyAdmin):
    list_display = ["mission", "payment_delay_days", "scope_changes"]


@admin.register(WorkerProfile)
class WorkerProfileAdmin(ReadOnlyAdmin):
    list_display = ["member", "legal_status", "siret"]
    list_filter = ["legal_status"]
    exclude = ["urssaf_attestation"]
