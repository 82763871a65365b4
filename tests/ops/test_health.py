"""/sante/ for the monitoring (issue 23): JSON, no secrets, 503 when the site cannot serve."""

from collections import namedtuple
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from compagnons.core import health, worker

pytestmark = pytest.mark.django_db
URL = "/sante/"


@pytest.fixture
def alive():
    worker.beat("travailleur-1")


def test_a_healthy_site_answers_200_with_every_check(client, alive, django_assert_max_num_queries):
    assert reverse("core:health") == URL
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "worker", "tasks", "disk"}
    assert body["checks"]["worker"]["age_seconds"] <= 1
    assert body["checks"]["tasks"] == {"ok": True, "queued": 0, "failed": 0}
    assert 0 <= body["checks"]["disk"]["free_percent"] <= 100
    assert "no-cache" in response["Cache-Control"]


def test_no_secret_in_the_answer(client, alive, settings):
    text = client.get(URL).text
    for secret in (settings.SECRET_KEY, str(settings.VAR_DIR), str(settings.PRIVATE_MEDIA_ROOT), "sqlite", "postgres"):
        assert secret not in text


def test_a_silent_worker_makes_it_503(client):
    assert client.get(URL).status_code == 503  # never seen
    worker.beat("travailleur-1", now=timezone.now() - timedelta(minutes=3))
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False
    worker.beat("travailleur-2", now=timezone.now() - timedelta(seconds=100))
    assert client.get(URL).status_code == 200


def test_a_database_that_does_not_answer_makes_it_503_without_its_error(client, alive, monkeypatch):
    def down():
        raise OperationalError("could not connect to server at 10.0.0.5 password=secret")

    monkeypatch.setitem(health.CHECKS, "database", down)
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False}
    assert "10.0.0.5" not in response.text and "secret" not in response.text


def test_a_cache_that_does_not_answer_makes_it_503(client, alive, monkeypatch):
    monkeypatch.setattr("django.core.cache.cache.get", lambda key: None)
    response = client.get(URL)
    assert response.status_code == 503 and response.json()["checks"]["cache"]["ok"] is False


def test_a_nearly_full_disk_makes_it_503(client, alive, monkeypatch, settings):
    settings.HEALTH_MIN_FREE_DISK_PERCENT = 5
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr("shutil.disk_usage", lambda path: usage(1000, 970, 30))
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["checks"]["disk"] == {"ok": False, "free_percent": 3.0}


def test_failed_tasks_are_reported_but_do_not_make_it_503(client, alive, monkeypatch):
    monkeypatch.setitem(health.CHECKS, "tasks", lambda: {"ok": True, "queued": 2, "failed": 3})
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["checks"]["tasks"]["failed"] == 3
