"""Periodic jobs of the path (discovered by core.scheduler.autodiscover)."""

from datetime import timedelta

from django.tasks import task

from compagnons.apprenticeship import services
from compagnons.apprenticeship.notifications import send_inactivity_reminder
from compagnons.core import scheduler


@task
def send_inactivity_reminders() -> int:
    """Daily: one reminder per lapse of inactivity (services.flag_reminders_due marks before sending)."""
    due = services.flag_reminders_due()
    for enrollment_id in due:
        send_inactivity_reminder.enqueue(enrollment_id)
    return len(due)


scheduler.register(send_inactivity_reminders, every=timedelta(days=1))
