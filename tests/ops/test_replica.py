"""A read replica for the reporting pages (issue 23), tested with a second database: a copy of the primary taken
at one moment. The outcomes dashboard reads the copy; every other page, and every write, the primary."""

import sqlite3

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compagnons.core.replica import REPLICA, ReplicaRouter, reading_reports
from compagnons.outcomes.models import Exit
from tests.factories.apprenticeship import CohortFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the second database is a SQLite copy of the first"),
]


@pytest.fixture
def replica(tmp_path):
    """`replica`: a SQLite file holding a copy of the primary as it is now (what replication would show)."""

    def take_copy():
        connection.ensure_connection()
        target = sqlite3.connect(tmp_path / "replica.sqlite3")
        connection.connection.backup(target)
        target.close()
        connections.settings[REPLICA] = {**connections.settings["default"], "NAME": str(tmp_path / "replica.sqlite3")}
        connections[REPLICA].connect()  # opened here: the test case only lets declared databases connect lazily

    yield take_copy
    if REPLICA in connections.settings:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


def test_the_dashboard_reads_the_replica_and_the_rest_the_primary(client, formateur, replica):
    CohortFactory(name="Promotion déjà copiée", formateur=formateur)
    replica()
    CohortFactory(name="Promotion pas encore copiée", formateur=formateur)  # written on the primary only
    client.force_login(formateur)

    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        page = client.get(reverse("outcomes:dashboard")).text
    assert "Promotion déjà copiée" in page and "Promotion pas encore copiée" not in page
    assert on_replica.captured_queries
    assert not [q for q in on_replica.captured_queries if "django_session" in q["sql"]]  # sessions: primary

    roster = client.get(reverse("apprenticeship:cohorts")).text  # not a report: the primary
    assert "Promotion pas encore copiée" in roster


def test_without_a_replica_everything_reads_the_primary():
    router = ReplicaRouter()
    with reading_reports():
        assert router.db_for_read(Exit) is None
    assert router.allow_migrate(REPLICA, "outcomes") is False
    assert router.allow_migrate("default", "outcomes") is True


def test_values_kept_in_the_process_are_never_computed_from_the_replica(replica, settings):
    """core.fragments.kept_each: a value read from the replica (a few seconds behind) may be older than the versions
    read before it, so it is shown but not kept; read from the primary, it is kept."""
    from django.core.cache import cache

    from compagnons.core import fragments
    from compagnons.core.models import AuditLog

    settings.FRAGMENT_CACHE = True
    cache.clear()
    fragments._kept_each.clear()
    replica()
    computed = []

    def entries():
        def compute(keys):
            computed.append(keys)
            with CaptureQueriesContext(connections[REPLICA]) as on_replica:
                count = AuditLog.objects.count()
            return {key: f"{key}={count}:{bool(on_replica.captured_queries)}" for key in keys}

        return fragments.kept_each("test-replica", ["core_auditlog"], ["a"], compute)

    with reading_reports():
        assert entries() == entries() == ["a=0:True"]
    assert len(computed) == 2
    assert entries() == entries() == ["a=0:False"] and len(computed) == 3
    fragments._kept_each.clear()
    cache.clear()
