"""Issue 13 (C3): persistent database connections by default only where the number of serving threads is bounded
(gunicorn); the threaded development server (DEBUG) closes each request's connection. SQLite follows the same rule
(issue 21: a new connection reads the whole schema, 3 ms, before its first statement)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = "postgres://user:secret@db.example.org:5432/compagnons"  # parsed, never connected to
SQLITE = "sqlite:////tmp/compagnons-settings-test/db.sqlite3"  # its folder is created, the file never opened
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop"}


def settings_process(env: dict, code: str = "") -> subprocess.CompletedProcess:
    """Start Django with `env` (the test settings' marker dropped) in a new process, then run `code` there."""
    env = {k: v for k, v in env.items() if k != "COMPAGNONS_TESTING"}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; {code}"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=False,
    )


def conn_max_age(env_overrides: dict) -> int:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DB_CONN_MAX_AGE"}}
    result = settings_process(
        {**env, "DATABASE_URL": POSTGRES, **env_overrides}, "print(settings.DATABASES['default']['CONN_MAX_AGE'])"
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip())


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DEBUG": "1"}, 0),
        (PRODUCTION, 60),
        ({"DEBUG": "1", "DB_CONN_MAX_AGE": "30"}, 30),
        ({**PRODUCTION, "DB_CONN_MAX_AGE": "0"}, 0),
        ({**PRODUCTION, "DATABASE_URL": SQLITE}, 60),
        ({"DEBUG": "1", "DATABASE_URL": SQLITE}, 0),
    ],
    ids=["development", "production", "development-explicit", "production-explicit", "sqlite-production", "sqlite-dev"],
)
def test_the_default_connection_age(env, expected):
    assert conn_max_age(env) == expected


@pytest.mark.django_db
def test_on_sqlite_each_connection_keeps_sixteen_megabytes_of_pages():
    """SQLite's default page cache (2 MB) re-read from the system the rows a directory search visits (issue 21)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's page cache")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == -16_000


@pytest.mark.django_db
def test_on_postgresql_the_planner_knows_random_reads_are_cheap():
    """random_page_cost 1.1 rather than PostgreSQL's 4 (a spinning disk): at 100,000 members the directory's search
    read all 20,000 published pages in a sequential scan rather than the 1,200 its words match by their index."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert float(cursor.fetchone()[0]) == 1.1


def test_the_random_page_cost_is_a_number_never_more_options():
    env = {**os.environ, "DATABASE_URL": POSTGRES, "DEBUG": "1", "PG_RANDOM_PAGE_COST": "1 -c work_mem=1TB"}
    result = settings_process(env)
    assert result.returncode != 0 and "PG_RANDOM_PAGE_COST" in result.stderr


def test_the_urls_own_options_are_kept_after_the_random_page_cost():
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": POSTGRES + "?options=-c%20statement_timeout%3D5000"}
    result = settings_process(env, "print(settings.DATABASES['default']['OPTIONS']['options'])")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "-c random_page_cost=1.1 -c statement_timeout=5000"
