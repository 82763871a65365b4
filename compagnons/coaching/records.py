"""Coaching reads for other apps: the sessions a member received, confirmed by both sides. They count as training
hours (real individual accompaniment) through apprenticeship.attendance, where `ready()` registers HOURS: the
attendance sheets, the hours per cohort and the certificat de réalisation read them there, only while the member
is enrolled on the path."""

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from compagnons.apprenticeship.attendance import Source
from compagnons.coaching.models import Booking

# Confirmed by both sides: the coach and the member each said the session took place (a cancelled booking never).
CONFIRMED = {
    "status": Booking.Status.BOOKED,
    "coach_says": Booking.Attendance.HELD,
    "member_says": Booking.Attendance.HELD,
}

HOURS = Source(
    kind="coaching",
    label=_("Séance de coaching"),
    relation="coaching_bookings",
    member="member",
    day="slot__starts_at",
    day_is_datetime=True,
    who="slot__coach",
    confirmed=CONFIRMED,
    minutes=lambda prefix: F(f"{prefix}slot__ends_at") - F(f"{prefix}slot__starts_at"),
    needs_enrollment=True,
    select_related=("slot",),
    mode=lambda booking: booking.slot.get_mode_display(),
)
