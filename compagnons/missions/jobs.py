from datetime import timedelta

from compagnons.core import scheduler
from compagnons.missions.tasks import auto_accept_deliveries, expire_missions, send_digests, send_weekly_digests

scheduler.register(expire_missions, every=timedelta(hours=6))
scheduler.register(auto_accept_deliveries, every=timedelta(hours=6))
scheduler.register(send_digests, every=timedelta(days=1))
scheduler.register(send_weekly_digests, every=timedelta(days=7))
