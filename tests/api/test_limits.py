"""Rate limits per IP address and per token (core.ratelimit), 429 with Retry-After, as settings."""

import pytest

from tests.api.conftest import bearer, make_token

pytestmark = pytest.mark.django_db


def test_per_ip(client, settings):
    settings.API_RATE_LIMIT_PER_IP = 3
    settings.API_RATE_LIMIT_WINDOW_SECONDS = 60
    for _ in range(3):
        assert client.get("/api/v1/referentiel/versions").status_code == 200
    response = client.get("/api/v1/missions")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Trop de requêtes"
    # Another address has its own counter.
    assert client.get("/api/v1/missions", REMOTE_ADDR="203.0.113.9").status_code == 200


def test_per_token_whatever_the_address(client, settings, compagnon):
    settings.API_RATE_LIMIT_PER_TOKEN = 2
    secret = make_token(compagnon, ["read:profile"])
    assert client.get("/api/v1/moi", REMOTE_ADDR="203.0.113.1", **bearer(secret)).status_code == 200
    assert client.get("/api/v1/moi", REMOTE_ADDR="203.0.113.2", **bearer(secret)).status_code == 200
    response = client.get("/api/v1/moi", REMOTE_ADDR="203.0.113.3", **bearer(secret))
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    # Another token of the same member counts apart.
    assert client.get("/api/v1/moi", **bearer(make_token(compagnon, ["read:profile"]))).status_code == 200


@pytest.mark.parametrize("headers", [{}, {"HTTP_AUTHORIZATION": "Bearer cpat_devine"}], ids=["no token", "bad token"])
def test_refused_tokens_spend_the_addresss_allowance(client, settings, headers):
    """Guessing tokens is rate-limited: a 401 counts against the address like any other request."""
    settings.API_RATE_LIMIT_PER_IP = 2
    for _ in range(2):
        assert client.get("/api/v1/moi", **headers).status_code == 401
    response = client.get("/api/v1/moi", **headers)
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert response["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/missions").status_code == 429  # the same address, whatever the operation
    assert client.get("/api/v1/moi", REMOTE_ADDR="203.0.113.9", **headers).status_code == 401


def test_each_request_counts_its_address_once(client, settings, compagnon):
    settings.API_RATE_LIMIT_PER_IP = 2
    secret = make_token(compagnon, ["read:profile"])
    assert client.get("/api/v1/moi", **bearer(secret)).status_code == 200  # counted by the token check only
    assert client.get("/api/v1/moi", **bearer(secret)).status_code == 200
    assert client.get("/api/v1/moi", **bearer(secret)).status_code == 429


def _limit_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "ratelimitcounter" in q["sql"].lower()]


def test_the_limits_cost_one_query_each(client, compagnon, settings):
    """On the database counter (no Redis): one statement for the address, one for the token."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    secret = make_token(compagnon, ["read:profile"])
    client.get("/api/v1/missions")
    with CaptureQueriesContext(connection) as public:
        assert client.get("/api/v1/missions").status_code == 200
    with CaptureQueriesContext(connection) as personal:
        assert client.get("/api/v1/moi", **bearer(secret)).status_code == 200
    assert len(_limit_queries(public.captured_queries)) == 1
    assert len(_limit_queries(personal.captured_queries)) == 2
    assert not [q for q in public.captured_queries if "SAVEPOINT" in q["sql"].upper()]
