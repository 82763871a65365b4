from datetime import timedelta

from compagnons.core import scheduler
from compagnons.core.tasks import (
    clear_expired_sessions,
    prune_audit_log,
    prune_finished_task_results,
    purge_rate_limits,
    reclaim_abandoned_tasks,
)

scheduler.register(clear_expired_sessions, every=timedelta(hours=6))
scheduler.register(prune_finished_task_results, every=timedelta(days=1))
scheduler.register(prune_audit_log, every=timedelta(days=1))
scheduler.register(purge_rate_limits, every=timedelta(days=1))
scheduler.register(reclaim_abandoned_tasks, every=timedelta(minutes=5))
