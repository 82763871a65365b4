"""What /sante/ checks, for the monitoring (docs/operations.md). No secret in the answer: states, ages, counts and
percentages only — never a host name, a path, a URL or an error message.

A small module rather than django-health-check: our checks are five, two of them ours (the worker's heartbeat and
the task counts of django-tasks-db, which the library does not know), and the answer's shape is the monitoring's
contract; the library would add a dependency, its own URLs and templates for what is forty lines here."""

import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.crypto import get_random_string

logger = logging.getLogger(__name__)


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _cache() -> dict:
    key, value = "sante:" + get_random_string(12), get_random_string(12)
    cache.set(key, value, 10)
    ok = cache.get(key) == value
    cache.delete(key)
    return {"ok": ok}


def _worker() -> dict:
    from compagnons.core.worker import last_heartbeat, max_age

    beat = last_heartbeat()
    if beat is None:
        return {"ok": False, "last_heartbeat": None, "age_seconds": None}
    age = (timezone.now() - beat).total_seconds()
    return {"ok": age <= max_age().total_seconds(), "last_heartbeat": beat.isoformat(), "age_seconds": int(age)}


def _tasks() -> dict:
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
    failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count()
    # Failed tasks are for the team to look at (/equipe/taches/), not a reason to call the site down.
    return {"ok": True, "queued": queued, "failed": failed}


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _disk() -> dict:
    places = {Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)}
    if connection.vendor == "sqlite":
        places.add(Path(connection.settings_dict["NAME"]).parent)
    free = min(
        usage.free * 100 / usage.total for usage in (shutil.disk_usage(_existing(p)) for p in places) if usage.total
    )
    return {"ok": free >= settings.HEALTH_MIN_FREE_DISK_PERCENT, "free_percent": round(free, 1)}


CHECKS = {"database": _database, "cache": _cache, "worker": _worker, "tasks": _tasks, "disk": _disk}


def report() -> tuple[bool, dict]:
    checks = {}
    for name, check in CHECKS.items():
        try:
            checks[name] = check()
        except Exception:  # the failing part is named; its error goes to the log, not to the answer
            logger.exception("Health check %s failed", name)
            checks[name] = {"ok": False}
    healthy = all(result["ok"] for result in checks.values())
    return healthy, {"status": "ok" if healthy else "error", "checks": checks}
