"""Coaching's periodic job: reminders 24 h and 1 h before a session, each claimed before it is queued (never twice)."""

from datetime import timedelta

from django.tasks import task

from compagnons.coaching import services
from compagnons.coaching.notifications import send_reminder
from compagnons.core import scheduler


@task
def send_coaching_reminders() -> int:
    claimed = services.claim_reminders()
    for booking_id, which in claimed:
        send_reminder.enqueue(booking_id, which)
    return len(claimed)


scheduler.register(send_coaching_reminders, every=timedelta(minutes=15))
