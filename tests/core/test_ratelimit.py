"""The shared rate limiter counts atomically: on the database (SQLite, PostgreSQL) and on an atomic cache."""

import os
import uuid
from datetime import timedelta

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone

from compagnons.core import ratelimit
from compagnons.core.models import RateLimitCounter
from compagnons.core.tasks import purge_rate_limits
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def without_redis(settings):
    """The database counter, even when the run has REDIS_URL (the Redis test sets its own cache)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_a_limit_allows_that_many_attempts_per_window_then_a_new_window(monkeypatch):
    key = ratelimit.key_for("test", "10.0.0.1")
    assert [ratelimit.hit(key, 3, timedelta(hours=1)) for _ in range(5)] == [True, True, True, False, False]
    assert RateLimitCounter.objects.get(key=key).count == 4  # stops at limit + 1 ("refused"), however many more
    later = timezone.now() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(ratelimit.timezone, "now", lambda: later)
    assert [ratelimit.hit(key, 3, timedelta(hours=1)) for _ in range(4)] == [True, True, True, False]


def test_an_attempt_costs_one_query(django_assert_num_queries):
    ratelimit.hit("one-query", 3, 60)
    with django_assert_num_queries(1):
        assert ratelimit.hit("one-query", 3, 60)


def test_keys_are_independent_and_hashed():
    first, second = ratelimit.key_for("contact", "10.0.0.1"), ratelimit.key_for("contact", "10.0.0.2")
    assert "10.0.0.1" not in first
    assert ratelimit.hit(first, 1, 60) and not ratelimit.hit(first, 1, 60)
    assert ratelimit.hit(second, 1, 60)


def test_an_atomic_cache_sets_the_expiry_once():
    backend = LocMemCache("ratelimit-test", {})
    assert [ratelimit.hit_cache(backend, "k", 2, 60) for _ in range(3)] == [True, True, False]
    expiry = backend._expire_info[backend.make_key("ratelimit:k")]
    ratelimit.hit_cache(backend, "k", 2, 3600)
    assert backend._expire_info[backend.make_key("ratelimit:k")] == expiry  # incr does not push it back


def test_old_counters_are_purged_by_the_daily_job():
    ratelimit.hit("old", 5, 60)
    ratelimit.hit("new", 5, 60)
    RateLimitCounter.objects.filter(key="old").update(window_start=timezone.now() - timedelta(days=3))
    assert purge_rate_limits.call() == 1
    assert list(RateLimitCounter.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_attempts_get_exactly_the_limit():
    results, errors = at_once(lambda: ratelimit.hit("burst", 5, timedelta(hours=1)))
    assert errors == []
    assert results.count(True) == 5


def test_the_purge_job_is_registered():
    from compagnons.core import scheduler

    assert "purge_rate_limits" in {job.name for job in scheduler.registered_jobs()}


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis server (REDIS_URL)")
def test_on_redis_twenty_simultaneous_attempts_get_exactly_the_limit(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    }
    key = ratelimit.key_for("redis-burst", uuid.uuid4())
    results, errors = at_once(lambda: ratelimit.hit(key, 5, timedelta(minutes=1)))
    assert errors == [] and results.count(True) == 5
    assert not RateLimitCounter.objects.exists()  # Redis counted, not the database


def _synchronous_commit(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_count_alone_commits_without_waiting_for_the_disk_and_only_itself():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's synchronous_commit")
    with CaptureQueriesContext(connection) as queries:
        assert ratelimit.hit("relaxed", 2, 60)
    assert "set_config('synchronous_commit', 'off', true)" in queries.captured_queries[0]["sql"]
    assert _synchronous_commit(connection) == "on"  # the next statements of the connection wait for the disk again
    assert [ratelimit.hit("relaxed", 2, 60) for _ in range(2)] == [True, False]


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_count_inside_a_transaction_leaves_its_durability_alone():
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's synchronous_commit")
    with transaction.atomic():
        assert ratelimit.hit("inside", 2, 60)
        assert _synchronous_commit(connection) == "on"  # the caller's own writes still wait for the disk
