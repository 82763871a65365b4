from django.contrib import admin

from compagnons.coaching.models import Booking, Recurrence, Slot


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "coach", "capacity", "booked_count", "status"]
    list_filter = ["status", "mode"]
    raw_id_fields = ["coach", "recurrence"]
    readonly_fields = ["booked_count"]  # changed only by the services (never above capacity)


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["slot", "member", "status", "sequence", "credited_at"]
    list_filter = ["status"]
    raw_id_fields = ["slot", "member"]
    readonly_fields = ["uid", "sequence", "credited_at", "reminded_24h_at", "reminded_1h_at"]


@admin.register(Recurrence)
class RecurrenceAdmin(admin.ModelAdmin):
    list_display = ["coach", "rrule", "first_start", "ended_at"]
    raw_id_fields = ["coach"]
