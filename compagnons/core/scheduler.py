"""Periodic jobs: one mechanism for every app's recurring work (expiries, reminders, surveys, digests).

An app declares its jobs in a `jobs.py` module::

    from compagnons.core import scheduler
    from .tasks import send_reminders

    scheduler.register(send_reminders, every=timedelta(hours=1))

`manage.py run_periodic_jobs` enqueues, on the task worker, every job whose interval has passed
(`--loop` keeps checking: `make run` starts it; production runs the plain command from cron or a
systemd timer, see docs/deployment.md). A row lock per job means two schedulers never enqueue the
same job twice in one interval, and each task is itself idempotent: running it twice does nothing twice.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from compagnons.core.models import PeriodicJobRun


@dataclass(frozen=True)
class Job:
    name: str
    task: object  # a django.tasks Task
    every: timedelta


_registry: dict[str, Job] = {}


def register(task, *, every: timedelta, name: str | None = None) -> Job:
    job = Job(name=name or task.name, task=task, every=every)
    _registry[job.name] = job
    return job


def registered_jobs() -> list[Job]:
    return sorted(_registry.values(), key=lambda job: job.name)


def autodiscover() -> None:
    for app_config in apps.get_app_configs():
        module = f"{app_config.name}.jobs"
        if app_config.name.startswith("compagnons.") and find_spec(module) is not None:
            import_module(module)


def run_due_jobs(now: datetime | None = None) -> list[str]:
    """Enqueue every job that is due; return their names."""
    now = now or timezone.now()
    enqueued = []
    for job in registered_jobs():
        PeriodicJobRun.objects.get_or_create(name=job.name)
        with transaction.atomic():
            run = PeriodicJobRun.objects.select_for_update(of=("self",)).get(name=job.name)
            if run.last_enqueued_at is not None and now < run.last_enqueued_at + job.every:
                continue
            run.last_enqueued_at = now
            run.runs += 1
            run.save(update_fields=["last_enqueued_at", "runs"])
            transaction.on_commit(job.task.enqueue)
        enqueued.append(job.name)
    return enqueued
