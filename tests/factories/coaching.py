"""Coaching: slots published by their coach, bookings made by the member, through the services. A session in the
past is a future slot moved back after the service wrote it (`happened`)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from compagnons.coaching import services
from compagnons.coaching.models import Booking, Slot, Topic


def paris_time(days: int = 7, hour: int = 18, minute: int = 0) -> datetime:
    """`days` from today at `hour`:`minute`, wall-clock time in Paris."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)), services.paris())


def publish(coach, *, starts_at=None, minutes: int = 45, topics: int = Topic.PITCH, capacity: int = 1, **extra) -> Slot:
    if capacity > 1:
        extra.setdefault("title", "Permanence du jeudi")
    return services.publish_slot(
        by=coach,
        starts_at=starts_at or paris_time(),
        duration_minutes=minutes,
        topics=topics,
        capacity=capacity,
        **extra,
    )


def happened(slot: Slot, *, hours_ago: int = 2) -> Slot:
    """Move a slot into the past, as if the session had taken place."""
    start = timezone.now() - timedelta(hours=hours_ago)
    Slot.objects.filter(pk=slot.pk).update(starts_at=start, ends_at=start + timedelta(minutes=slot.duration_minutes))
    slot.refresh_from_db()
    return slot


def book(slot: Slot, member, **extra) -> Booking:
    return services.book(slot, by=member, **extra)
