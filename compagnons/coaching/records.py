"""Coaching reads for other apps: the sessions a member received, confirmed by both sides (quality's attendance
sheet counts them as training hours: real individual accompaniment)."""

from datetime import date, datetime, time

from django.utils import timezone

from compagnons.accounts.models import User
from compagnons.coaching.models import Booking


def _bound(day: date, end: bool = False) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


def confirmed_sessions(member: User, date_from: date | None = None, date_to: date | None = None) -> list[Booking]:
    """One query: the member's sessions both sides confirmed, oldest first, with slot and coach."""
    sessions = Booking.objects.filter(member=member, credited_at__isnull=False)
    if date_from:
        sessions = sessions.filter(slot__starts_at__gte=_bound(date_from))
    if date_to:
        sessions = sessions.filter(slot__starts_at__lte=_bound(date_to, end=True))
    return list(sessions.select_related("slot", "slot__coach").order_by("slot__starts_at", "pk"))
