from datetime import timedelta

from compagnons.core import scheduler
from compagnons.outcomes.tasks import run_follow_ups

scheduler.register(run_follow_ups, every=timedelta(days=1))
