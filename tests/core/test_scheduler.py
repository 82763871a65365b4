from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from compagnons.core import scheduler
from compagnons.core.models import PeriodicJobRun


def test_core_jobs_are_registered():
    names = {job.name for job in scheduler.registered_jobs()}
    assert {"clear_expired_sessions", "prune_finished_task_results"} <= names


@pytest.mark.django_db(transaction=True)
def test_a_due_job_is_enqueued_once_per_interval():
    now = timezone.now()

    first = scheduler.run_due_jobs(now)
    second = scheduler.run_due_jobs(now + timedelta(minutes=5))

    assert "clear_expired_sessions" in first
    assert "clear_expired_sessions" not in second
    assert PeriodicJobRun.objects.get(name="clear_expired_sessions").runs == 1


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_again_once_its_interval_has_passed():
    now = timezone.now()
    scheduler.run_due_jobs(now)

    later = scheduler.run_due_jobs(now + timedelta(hours=6, seconds=1))

    assert "clear_expired_sessions" in later
    assert "prune_finished_task_results" not in later


@pytest.mark.django_db(transaction=True)
def test_clearing_sessions_twice_does_nothing_twice():
    expired = SessionStore()
    expired.set_expiry(-10)
    expired.create()
    alive = SessionStore()
    alive.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - timedelta(days=1))

    call_command("run_periodic_jobs")
    assert not Session.objects.filter(session_key=expired.session_key).exists()
    assert Session.objects.filter(session_key=alive.session_key).exists()

    PeriodicJobRun.objects.update(last_enqueued_at=None)
    call_command("run_periodic_jobs")
    assert Session.objects.filter(session_key=alive.session_key).exists()


@pytest.mark.django_db
def test_audit_log_keeps_entries_for_the_retention_period(settings):
    from compagnons.core import audit
    from compagnons.core.models import AuditLog
    from compagnons.core.tasks import prune_audit_log

    settings.AUDIT_LOG_RETENTION_DAYS = 365
    old = audit.log(None, "old.thing")
    recent = audit.log(None, "recent.thing")
    AuditLog.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=366))

    prune_audit_log.enqueue()
    prune_audit_log.enqueue()

    assert list(AuditLog.objects.all()) == [recent]
