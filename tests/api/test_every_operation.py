"""Issue 19's "every endpoint's permissions", checked against the live schema: each operation that takes a token
answers 401 without one, with an unknown one, an expired one and a revoked one, and 403 without its scope; an
operation added later without a case here fails the first test."""

from datetime import timedelta

import pytest
from django.utils import timezone

from compagnons.api.models import AccessToken, Scope
from compagnons.missions import services as missions
from compagnons.missions.models import Application
from tests.api.conftest import bearer, make_token

pytestmark = pytest.mark.django_db

# (method, path template in the schema, scope); the objects are filled in by `_path`.
OPERATIONS = [
    ("get", "/api/v1/moi", Scope.READ_PROFILE),
    ("get", "/api/v1/moi/candidatures", Scope.READ_MISSIONS),
    ("get", "/api/v1/moi/candidatures/{application_id}", Scope.READ_MISSIONS),
    ("post", "/api/v1/missions/{mission_id}/candidatures", Scope.WRITE_APPLICATIONS),
    ("get", "/api/v1/moi/contreparties", Scope.READ_LEDGER),
    ("get", "/api/v1/moi/seances", Scope.READ_SESSIONS),
    ("get", "/api/v1/equipe/indicateurs", Scope.READ_INDICATORS),
    ("get", "/api/v1/equipe/france-competences", Scope.READ_INDICATORS),
]


def test_every_operation_that_takes_a_token_is_listed_here(client):
    schema = client.get("/api/v1/openapi.json").json()
    secured = {
        (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if operation.get("security")
    }
    assert secured == {(method, path) for method, path, _scope in OPERATIONS}


@pytest.fixture
def objects(worker, published_mission):
    application = missions.apply(published_mission, worker, message="Bonjour")
    return {"application_id": application.pk, "mission_id": published_mission.pk}


def _call(client, method, template, objects, secret=None):
    path = template.format(**objects)
    headers = bearer(secret) if secret else {}
    if method == "post":
        return client.post(path, {"message": "Disponible."}, content_type="application/json", **headers)
    return client.get(path, **headers)


@pytest.mark.parametrize(("method", "template", "scope"), OPERATIONS)
def test_tokens_missing_unknown_expired_revoked_or_without_the_scope(
    client, worker, formateur, objects, method, template, scope
):
    owner = formateur if scope == Scope.READ_INDICATORS else worker
    for secret in (None, "cpat_inconnu"):
        response = _call(client, method, template, objects, secret)
        assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    others = [s.value for s in Scope if s != scope and (owner == formateur or s != Scope.READ_INDICATORS)]
    response = _call(client, method, template, objects, make_token(owner, others))
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"

    secret = make_token(owner, [scope])
    token = AccessToken.objects.filter(user=owner, scopes=[scope]).latest("pk")
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert _call(client, method, template, objects, secret).status_code == 401
    AccessToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() + timedelta(days=1), revoked_at=timezone.now()
    )
    assert _call(client, method, template, objects, secret).status_code == 401
    assert Application.objects.filter(applicant=worker).count() == 1  # no write got through
