"""Personal and team operations: no token 401, wrong scope 403, another member's object 404, revoked or expired
401; writes through the same services as the pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from compagnons.api.models import AccessToken, Scope
from compagnons.core.models import AuditLog
from compagnons.missions import services as missions
from compagnons.missions.models import Application
from tests.api.conftest import ALL_MEMBER_SCOPES, bearer, make_token
from tests.factories import UserFactory
from tests.factories.missions import MissionFactory

pytestmark = pytest.mark.django_db

PERSONAL = [
    ("get", "/api/v1/moi", Scope.READ_PROFILE),
    ("get", "/api/v1/moi/candidatures", Scope.READ_MISSIONS),
    ("get", "/api/v1/moi/contreparties", Scope.READ_LEDGER),
    ("get", "/api/v1/moi/seances", Scope.READ_SESSIONS),
    ("get", "/api/v1/equipe/indicateurs", Scope.READ_INDICATORS),
    ("get", "/api/v1/equipe/france-competences", Scope.READ_INDICATORS),
]


def call(client, method, path, secret=None, **body):
    headers = bearer(secret) if secret else {}
    if method == "post":
        return client.post(path, body, content_type="application/json", **headers)
    return client.get(path, **headers)


@pytest.mark.parametrize(("method", "path", "scope"), PERSONAL)
def test_without_a_token_401_as_a_problem(client, method, path, scope):
    response = call(client, method, path)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["title"] == "Authentification requise"
    assert call(client, method, path, "cpat_inconnu").status_code == 401


@pytest.mark.parametrize(("method", "path", "scope"), PERSONAL)
def test_a_token_without_the_scope_403(client, formateur, method, path, scope):
    others = [s.value for s in Scope if s != scope]
    response = call(client, method, path, make_token(formateur, others))
    assert response.status_code == 403
    assert response.json()["title"] == "Accès refusé"


@pytest.mark.parametrize(("method", "path", "scope"), PERSONAL)
def test_the_scope_opens_it(client, formateur, method, path, scope, django_assert_max_num_queries):
    secret = make_token(formateur, [scope])
    with django_assert_max_num_queries(30):
        response = call(client, method, path, secret)
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(("method", "path", "scope"), PERSONAL)
def test_revoked_or_expired_tokens_401(client, formateur, method, path, scope):
    secret = make_token(formateur, [scope])
    AccessToken.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert call(client, method, path, secret).status_code == 401
    AccessToken.objects.update(expires_at=timezone.now() + timedelta(days=1), revoked_at=timezone.now())
    assert call(client, method, path, secret).status_code == 401


def test_team_operations_need_the_team_at_each_use(client, formateur):
    secret = make_token(formateur, [Scope.READ_INDICATORS])
    assert client.get("/api/v1/equipe/indicateurs", **bearer(secret)).status_code == 200
    type(formateur).objects.filter(pk=formateur.pk).update(is_staff=False)
    response = client.get("/api/v1/equipe/france-competences", **bearer(secret))
    assert response.status_code == 403


def test_indicators_are_outcomes_own_tables_and_audited(client, formateur):
    from compagnons.outcomes import exports

    secret = make_token(formateur, [Scope.READ_INDICATORS])
    body = client.get("/api/v1/equipe/france-competences", **bearer(secret)).json()
    assert body["columns"] == exports.FC_COLUMNS
    body = client.get("/api/v1/equipe/indicateurs", **bearer(secret)).json()
    assert body["columns"] == exports.COHORT_COLUMNS
    assert AuditLog.objects.filter(action="outcomes.exported", actor=formateur).count() == 2
    assert client.get("/api/v1/equipe/indicateurs?certification=999999", **bearer(secret)).status_code == 404
    assert client.get("/api/v1/equipe/indicateurs?year=1900", **bearer(secret)).status_code == 422


def test_my_profile_is_mine(client, compagnon, outsider):
    body = client.get("/api/v1/moi", **bearer(make_token(compagnon, ["read:profile"]))).json()
    assert body["id"] == compagnon.pk and body["email"] == compagnon.email
    assert "compagnon" in body["roles"]
    assert client.get("/api/v1/moi", **bearer(make_token(outsider, ["read:profile"]))).json()["id"] == outsider.pk


def test_applying_goes_through_the_missions_service(client, worker, published_mission):
    secret = make_token(worker, ALL_MEMBER_SCOPES)
    path = f"/api/v1/missions/{published_mission.pk}/candidatures"
    response = client.post(
        path, {"message": "Disponible dès lundi."}, content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 201, response.content
    application = Application.objects.get(mission=published_mission, applicant=worker)
    assert response.json()["id"] == application.pk and application.status == Application.Status.SENT
    # The service's own rule, its own French words: one application per mission.
    again = client.post(path, {"message": "Encore"}, content_type="application/json", **bearer(secret))
    assert again.status_code == 422 and again["Content-Type"] == "application/problem+json"
    assert again.json()["detail"]
    mine = client.get("/api/v1/moi/candidatures", **bearer(secret)).json()["items"]
    assert [a["id"] for a in mine] == [application.pk]
    assert client.get(f"/api/v1/moi/candidatures/{application.pk}", **bearer(secret)).status_code == 200


def test_applying_refusals(client, worker, client_user, published_mission):
    path = f"/api/v1/missions/{published_mission.pk}/candidatures"
    # A client is no apprentice nor compagnon: the service refuses (403, its words).
    response = client.post(
        path,
        {"message": "Bonjour"},
        content_type="application/json",
        **bearer(make_token(client_user, ALL_MEMBER_SCOPES)),
    )
    assert response.status_code == 403 and "apprentis" in response.json()["detail"]
    secret = make_token(worker, ["write:applications"])
    # A mission not published is not found (as on the page).
    draft = MissionFactory()
    response = client.post(
        f"/api/v1/missions/{draft.pk}/candidatures", {"message": "x"}, content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 404
    # An empty message, a missing body, an unknown binôme: 422 problems.
    assert client.post(path, {"message": ""}, content_type="application/json", **bearer(secret)).status_code == 422
    assert client.post(path, {}, content_type="application/json", **bearer(secret)).status_code == 422
    response = client.post(
        path, {"message": "x", "partner_id": 999999}, content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 422
    assert not Application.objects.filter(applicant=worker).exists()


def test_another_members_application_is_not_found(client, worker, published_mission, outsider):
    application = missions.apply(published_mission, worker, message="Bonjour")
    stranger = make_token(UserFactory(compagnon=True), ["read:missions"])
    assert client.get(f"/api/v1/moi/candidatures/{application.pk}", **bearer(stranger)).status_code == 404
    assert client.get("/api/v1/moi/candidatures", **bearer(stranger)).json()["items"] == []


def test_my_ledger_and_sessions_are_mine(client, compagnon, outsider):
    mine = client.get("/api/v1/moi/contreparties", **bearer(make_token(compagnon, ["read:ledger"]))).json()
    assert mine["balance_minutes"] == sum(m["minutes"] for m in mine["movements"])
    sessions = client.get("/api/v1/moi/seances", **bearer(make_token(outsider, ["read:sessions"]))).json()
    assert sessions["items"] == []
