from datetime import timedelta

from compagnons.core import scheduler
from compagnons.quality.tasks import send_satisfaction_surveys

scheduler.register(send_satisfaction_surveys, every=timedelta(hours=6))
