"""Background tasks of the core: housekeeping that keeps the database small and personal data short-lived."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.tasks import task
from django.utils import timezone

FINISHED_TASK_RETENTION = timedelta(days=30)


@task
def clear_expired_sessions() -> int:
    """Delete expired sessions. Idempotent: a second run finds nothing to delete."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@task
def prune_finished_task_results() -> int:
    """Forget task results finished more than 30 days ago (their arguments may name people)."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - FINISHED_TASK_RETENTION
    deleted, _ = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=cutoff
    ).delete()
    return deleted


@task
def prune_audit_log() -> int:
    """Forget audit entries older than AUDIT_LOG_RETENTION_DAYS. Idempotent."""
    from django.conf import settings

    from compagnons.core.models import AuditLog

    cutoff = timezone.now() - timedelta(days=settings.AUDIT_LOG_RETENTION_DAYS)
    deleted, _ = AuditLog.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@task
def purge_rate_limits() -> int:
    """Forget rate-limit counters whose window is long past (compagnons/core/ratelimit.py). Idempotent."""
    from compagnons.core import ratelimit

    return ratelimit.purge()


@task
def reclaim_abandoned_tasks() -> int:
    """Put back in the queue the tasks a dead worker left running (compagnons/core/worker.py). Idempotent."""
    from compagnons.core.worker import reclaim_abandoned

    return reclaim_abandoned()
