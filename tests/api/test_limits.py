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
