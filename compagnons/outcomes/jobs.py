"""Periodic work of the outcomes app (core.scheduler discovers this module)."""

from datetime import timedelta

from django.tasks import task

from compagnons.core import scheduler
from compagnons.outcomes import services
from compagnons.outcomes.notifications import send_follow_up


@task
def run_follow_ups() -> dict:
    """Daily: record new exits (and schedule their surveys), then send the invitations and reminders due.
    Idempotent: each e-mail is marked before it is queued (services.mark_*_due)."""
    created = services.sync_exits()
    invited = services.mark_invitations_due()
    reminded = services.mark_reminders_due()
    for pk in invited:
        send_follow_up.enqueue(pk, False)
    for pk in reminded:
        send_follow_up.enqueue(pk, True)
    return {"exits": created, "invitations": len(invited), "reminders": len(reminded)}


scheduler.register(run_follow_ups, every=timedelta(days=1))
