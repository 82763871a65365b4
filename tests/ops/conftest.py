"""The drills restore the database the migrations leave (`serialized_rollback`): content types, the shipped
référentiel. A transactional test of another app that ran before flushed the tables and let `post_migrate` write the
content types again; loading the serialized copy on top of them would collide (PostgreSQL says so). Before such a
test, empty the tables without `post_migrate`, so that the copy lands on an empty database, as Django expects —
and keep the sequences where they are (as Django's own flush between tests does): the copy brings its rows with their
ids, and a sequence restarted at 1 would hand out an id the copy already holds (the default site)."""

import pytest
from django.core.management import call_command
from django.db import connection
from pytest_django.plugin import blocking_manager_key


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    marker = item.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("serialized_rollback"):
        return
    if not hasattr(connection, "_test_serialized_contents"):
        return  # the test database is not made yet: the first test of the run gets a fresh one
    with item.config.stash[blocking_manager_key].unblock():
        call_command("flush", interactive=False, inhibit_post_migrate=True, reset_sequences=False, verbosity=0)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After such a test, Django empties the tables without `post_migrate` (the next serialized test reloads its copy),
    which leaves no content types for the transactional tests of other apps that follow, while the content types'
    cache still holds the old ids (an audit log row then points at a missing content type). Leave the database as any
    transactional test leaves it: flushed, with `post_migrate`'s content types, and the cache cleared."""
    yield
    marker = item.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("serialized_rollback"):
        return
    next_marker = nextitem.get_closest_marker("django_db") if nextitem is not None else None
    if next_marker is not None and next_marker.kwargs.get("serialized_rollback"):
        return  # the next drill reloads its copy on empty tables
    from django.contrib.contenttypes.models import ContentType

    with item.config.stash[blocking_manager_key].unblock():
        call_command("flush", interactive=False, reset_sequences=False, verbosity=0)
    ContentType.objects.clear_cache()
