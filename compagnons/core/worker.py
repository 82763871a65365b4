"""The task worker's safety net, on top of django-tasks-db 0.13 (which has neither retries nor a reclaim):

- a **heartbeat**: every worker writes its `WorkerHeartbeat` every HEARTBEAT_SECONDS from a small thread; /sante/
  answers 503 when the freshest is older than WORKER_HEARTBEAT_MAX_AGE_SECONDS;
- a **reclaim**: a task left RUNNING by a worker whose heartbeat is stale (killed, machine lost) is put back READY
  (the same thread does it, on every worker), and runs again — every task is idempotent (architecture.md), so its
  effect happens once;
- **retries with backoff**: a failed task is run again after 30 s, 2 min, 8 min, 32 min (TASK_RETRY_BASE_SECONDS × 4ⁿ)
  until TASK_MAX_ATTEMPTS runs; then it stays FAILED, listed for the team at /equipe/taches/ with its error and a
  « Relancer » button (`retry`, audited).

`manage.py db_worker` is ours (compagnons/core/management/commands/db_worker.py, found before django-tasks-db's):
the library's command with this worker. See docs/operations.md.
"""

import logging
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from compagnons.core import audit
from compagnons.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30
RETRY_FACTOR = 4


def max_age() -> timedelta:
    return timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS)


def max_attempts() -> int:
    return settings.TASK_MAX_ATTEMPTS


def attempts(result: DBTaskResult) -> int:
    return len(result.worker_ids)


def backoff(attempt: int) -> timedelta:
    """The wait before the run after the `attempt`-th failure (1 → 30 s, 2 → 2 min, 3 → 8 min…)."""
    return timedelta(seconds=settings.TASK_RETRY_BASE_SECONDS * RETRY_FACTOR ** (attempt - 1))


# --- Heartbeat ----------------------------------------------------------------------------------


def beat(worker_id: str, now: datetime | None = None) -> None:
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id[:64], defaults={"beat_at": now or timezone.now()})


def last_heartbeat() -> datetime | None:
    return WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()


# --- Reclaim ------------------------------------------------------------------------------------


def reclaim_abandoned(now: datetime | None = None) -> int:
    """Put back READY every RUNNING task whose worker has given no sign of life for WORKER_HEARTBEAT_MAX_AGE (or
    FAILED when it has used all its attempts). Row locks with SKIP LOCKED: two workers never reclaim the same task."""
    now = now or timezone.now()
    # Every start of a worker draws a new id: forget the ones silent for a day (a missing beat counts as silent).
    WorkerHeartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    alive = set(WorkerHeartbeat.objects.filter(beat_at__gte=now - max_age()).values_list("worker_id", flat=True))
    reclaimed = 0
    with transaction.atomic():
        running = DBTaskResult.objects.running().select_for_update(skip_locked=True)
        for result in running:
            if result.worker_ids and result.worker_ids[-1][:64] in alive:
                continue
            if attempts(result) >= max_attempts():
                result.status = TaskResultStatus.FAILED
                result.finished_at = now
                result.exception_class_path = "compagnons.core.worker.WorkerLost"
                result.traceback = "Le travailleur qui exécutait cette tâche s'est arrêté (plus de signe de vie).\n"
                result.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
            else:
                result.status = TaskResultStatus.READY
                result.started_at = None
                result.run_after = now
                result.save(update_fields=["status", "started_at", "run_after"])
            logger.warning("Reclaimed task id=%s of the silent worker %s", result.pk, result.worker_ids[-1:])
            reclaimed += 1
    return reclaimed


# --- Retries ------------------------------------------------------------------------------------


def schedule_retry(result: DBTaskResult, now: datetime | None = None) -> bool:
    """After a failed run: back to READY after the backoff, unless every attempt is spent. True when rescheduled."""
    if attempts(result) >= max_attempts():
        return False
    now = now or timezone.now()
    DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY,
        started_at=None,
        finished_at=None,
        run_after=now + backoff(attempts(result)),
    )
    return True


@transaction.atomic
def retry(result: DBTaskResult, *, by) -> DBTaskResult:
    """A member of the team runs a failed task again, now (its error stays visible until the run replaces it)."""
    result = DBTaskResult.objects.select_for_update().get(pk=result.pk)
    if result.status != TaskResultStatus.FAILED:
        return result
    result.status = TaskResultStatus.READY
    result.started_at = None
    result.finished_at = None
    result.run_after = timezone.now()
    result.save(update_fields=["status", "started_at", "finished_at", "run_after"])
    audit.log(by, "tasks.retried", None, task=result.task_path, id=str(result.pk), attempts=attempts(result))
    return result


# --- The worker ---------------------------------------------------------------------------------


class SafeWorker(Worker):
    """django-tasks-db's worker, with a heartbeat thread (which also reclaims abandoned tasks) and retries."""

    def __init__(self, *args, heartbeat: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.heartbeat = heartbeat
        self._stop = threading.Event()

    def _beating(self) -> None:
        while not self._stop.is_set():
            try:
                beat(self.worker_id)
                reclaim_abandoned()
            except Exception:  # the database restarting: try again at the next beat
                logger.exception("Heartbeat of worker %s failed", self.worker_id)
            finally:
                connection.close()
            self._stop.wait(HEARTBEAT_SECONDS)

    def run(self) -> None:
        thread = None
        if self.heartbeat:
            beat(self.worker_id)
            thread = threading.Thread(target=self._beating, name="heartbeat", daemon=True)
            thread.start()
        try:
            super().run()
        finally:
            self._stop.set()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        if db_task_result.status == TaskResultStatus.FAILED:
            close_old_connections()
            if schedule_retry(db_task_result):
                logger.warning(
                    "Task id=%s failed (attempt %d of %d): retried later",
                    db_task_result.pk,
                    attempts(db_task_result),
                    max_attempts(),
                )
