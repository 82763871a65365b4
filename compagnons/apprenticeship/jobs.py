from datetime import timedelta

from compagnons.apprenticeship.tasks import send_inactivity_reminders
from compagnons.core import scheduler

scheduler.register(send_inactivity_reminders, every=timedelta(days=1))
