"""Rate limits that hold under concurrency, across processes: `hit(key, limit, window) -> bool`.

Each call counts one attempt and says whether it is allowed (at most `limit` per `window`, a fixed window that
starts with the first attempt). The counter is atomic:

- with Redis (`REDIS_URL`), the cache's `incr` (Redis INCR) on a key whose expiry is set once, when it is added;
- otherwise, a `RateLimitCounter` row (a unique key, created on first use with INSERT … ON CONFLICT DO NOTHING)
  updated by one conditional UPDATE (`count = count + 1 WHERE count < limit`). It holds on SQLite and PostgreSQL,
  whatever the number of processes or threads. `purge_rate_limits` (a daily core job) deletes old rows.

A plain `cache.get` then `cache.set` does not: twenty simultaneous requests all read "0" and all pass. Nor does the
database cache's `incr`, a get then a set.
"""

import hashlib
from datetime import timedelta

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from compagnons.core.models import RateLimitCounter

PURGE_AFTER = timedelta(days=2)  # longer than any window in use


def key_for(*parts: object) -> str:
    """A stable, bounded key; personal values (an IP address) are hashed."""
    return hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()


def _seconds(window: timedelta | int) -> int:
    return int(window.total_seconds()) if isinstance(window, timedelta) else int(window)


def _uses_redis() -> bool:
    return isinstance(caches["default"], RedisCache)


def hit(key: str, limit: int, window: timedelta | int) -> bool:
    """Count one attempt under `key`; True if it is within `limit` attempts per `window`."""
    if limit <= 0:
        return False
    seconds = _seconds(window)
    if _uses_redis():
        return hit_cache(caches["default"], key, limit, seconds)
    return _hit_database(key, limit, seconds)


def hit_cache(backend, key: str, limit: int, seconds: int) -> bool:
    """A cache whose `incr` is atomic (Redis): the expiry is set once, by `add`, and INCR keeps it."""
    cache_key = f"ratelimit:{key}"
    for _attempt in range(3):
        backend.add(cache_key, 0, seconds)
        try:
            return backend.incr(cache_key) <= limit
        except ValueError:  # expired between add and incr: start a new window
            continue
    return False


def _hit_database(key: str, limit: int, seconds: int) -> bool:
    now = timezone.now()
    counters = RateLimitCounter.objects.filter(key=key)
    with transaction.atomic():
        # The row exists from the first attempt on (INSERT … ON CONFLICT DO NOTHING: a race creates it once).
        RateLimitCounter.objects.bulk_create(
            [RateLimitCounter(key=key, window_start=now, count=0)], ignore_conflicts=True
        )
        # The window has passed: the first to get here opens a new one (the others then see the new start).
        counters.filter(window_start__lte=now - timedelta(seconds=seconds)).update(window_start=now, count=0)
        # One atomic increment, only below the limit: the row lock orders simultaneous attempts.
        return bool(counters.filter(count__lt=limit).update(count=F("count") + 1))


def purge(now=None) -> int:
    """Delete counters whose window is long past."""
    now = now or timezone.now()
    deleted, _ = RateLimitCounter.objects.filter(window_start__lt=now - PURGE_AFTER).delete()
    return deleted
