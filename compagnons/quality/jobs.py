"""Periodic work of the quality app (core.scheduler discovers this module)."""

from datetime import timedelta

from django.tasks import task

from compagnons.core import scheduler
from compagnons.quality import services
from compagnons.quality.notifications import send_survey_email


@task
def send_satisfaction_surveys() -> dict:
    """Create the surveys the data calls for, then send invitations and reminders (each marked before it is sent, so
    a second run, or a second worker, sends nothing twice)."""
    created = services.create_due_surveys()
    invited = services.flag_invitations_due()
    reminded = services.flag_reminders_due()
    for survey_id in invited + reminded:
        send_survey_email.enqueue(survey_id)
    return {"created": created, "invited": len(invited), "reminded": len(reminded)}


scheduler.register(send_satisfaction_surveys, every=timedelta(hours=6))
