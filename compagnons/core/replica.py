"""A read replica for the reporting pages (issue 23): with DATABASE_REPLICA_URL set, the reads made inside a view
marked `@reads_from_replica` (the outcomes dashboard, its exports, /resultats/) go to the `replica` database; every
other read, and every write, stays on `default`.

The reports tolerate a replica a few seconds behind (their figures are cached for minutes anyway); sign-in and
sessions never read there (the decorator goes under `login_required`, which reads the user first, and sessions
and accounts are kept on `default`), so a member who just signed in is never seen signed out."""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.db import connections

REPLICA = "replica"
ALWAYS_DEFAULT = {"sessions", "accounts", "auth", "contenttypes", "django_tasks_db", "django_cache"}
_reading_reports: ContextVar[bool] = ContextVar("reading_reports", default=False)


def has_replica() -> bool:
    return REPLICA in connections.settings


@contextmanager
def reading_reports():
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


def reads_from_replica(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with reading_reports():
            return view(request, *args, **kwargs)

    return wrapper


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_reports.get() and model._meta.app_label not in ALWAYS_DEFAULT and has_replica():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of default: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # the primary's migrations reach the replica by replication
