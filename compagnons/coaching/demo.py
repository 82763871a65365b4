"""Demo data for coaching (called by `manage.py seed_demo`): two coaches with slots next week, one group session,
one booking for the demo apprentice. Through the services, so the demo obeys the rules."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from compagnons.coaching import services
from compagnons.coaching.models import Mode, Slot, Topic


def _next_week(days: int, hour: int) -> datetime:
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    return timezone.make_aware(datetime.combine(monday + timedelta(days=days), time(hour)), services.paris())


def seed(world: dict) -> None:
    if Slot.objects.exists():
        return
    jean_pierre, marie = world["compagnon@demo.test"], world["marie.lefevre@demo.test"]
    staff, lea = world["formateur@demo.test"], world["apprenti@demo.test"]
    first = None
    for day, hour in ((0, 10), (1, 14), (3, 10)):
        slot = services.publish_slot(
            by=jean_pierre,
            starts_at=_next_week(day, hour),
            duration_minutes=45,
            topics=Topic.PITCH | Topic.PRIX,
        )
        first = first or slot
    for day, hour in ((1, 9), (2, 17)):
        services.publish_slot(
            by=marie,
            starts_at=_next_week(day, hour),
            duration_minutes=60,
            topics=Topic.STATUT | Topic.CANDIDATURE,
            mode=Mode.IN_PERSON if day == 2 else Mode.REMOTE,
            place="Tiers-lieu La Ruche, Toulouse" if day == 2 else "",
        )
    services.publish_slot(
        by=staff,
        starts_at=_next_week(3, 18),
        duration_minutes=90,
        topics=Topic.OUTILS | Topic.AUTRE,
        capacity=12,
        title="Permanence du jeudi : les outils du télétravail",
    )
    services.book(first, by=lea, note="Relire mon pitch de présentation.")
