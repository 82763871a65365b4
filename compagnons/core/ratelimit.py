"""Rate limits that hold under concurrency, across processes: `hit(key, limit, window) -> bool`.

Each call counts one attempt and says whether it is allowed (at most `limit` per `window`, a fixed window that
starts with the first attempt). The counter is atomic:

- with Redis (`REDIS_URL`), the cache's `incr` (Redis INCR) on a key whose expiry is set once, when it is added;
- otherwise, a `RateLimitCounter` row (a unique key), written by one statement: INSERT … ON CONFLICT (key) DO
  UPDATE … RETURNING count, which opens the row, or a new window once the old one has passed, or counts one more
  (up to limit + 1: the count says "refused" without growing further). One query per attempt; it holds on SQLite
  (3.35 or later) and PostgreSQL, whatever the number of processes or threads (the row's lock orders simultaneous
  attempts). `purge_rate_limits` (a daily core job) deletes old rows. On PostgreSQL, an upsert outside a
  transaction commits without waiting for the disk (`synchronous_commit` off for that statement's transaction
  only): a crash may forget the last fraction of a second's counts, never a row's consistency, and the row's lock is
  held for microseconds instead of a disk flush (~3 ms here), during which every other request from the same address
  waited for it.

A plain `cache.get` then `cache.set` does not: twenty simultaneous requests all read "0" and all pass. Nor does the
database cache's `incr`, a get then a set.
"""

import hashlib
from datetime import timedelta

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router
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
    """One upsert (see the module's docstring): the count after this attempt, allowed while it is within `limit`."""
    connection = connections[router.db_for_write(RateLimitCounter)]
    quote = connection.ops.quote_name
    table = quote(RateLimitCounter._meta.db_table)
    key_, start, count = quote("key"), quote("window_start"), quote("count")
    now = timezone.now()
    at = connection.ops.adapt_datetimefield_value(now)
    passed = connection.ops.adapt_datetimefield_value(now - timedelta(seconds=seconds))
    # Only quoted names of this model go into the text; every value is a parameter.
    values = "VALUES (%s, %s, 1)"
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # this statement's own transaction only (is_local): never the caller's, whose writes keep their durability
        values = "SELECT %s, %s, 1 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed"
    sql = f"""INSERT INTO {table} ({key_}, {start}, {count}) {values}
        ON CONFLICT ({key_}) DO UPDATE SET
        {count} = CASE WHEN {table}.{start} <= %s THEN 1
            WHEN {table}.{count} <= %s THEN {table}.{count} + 1 ELSE {table}.{count} END,
        {start} = CASE WHEN {table}.{start} <= %s THEN %s ELSE {table}.{start} END
        RETURNING {count}"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, at, passed, limit, passed, at])
        return cursor.fetchone()[0] <= limit


def purge(now=None) -> int:
    """Delete counters whose window is long past."""
    now = now or timezone.now()
    deleted, _ = RateLimitCounter.objects.filter(window_start__lt=now - PURGE_AFTER).delete()
    return deleted
