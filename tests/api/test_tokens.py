"""Personal access tokens: hashed, shown once, scoped, expiring, revocable, last use shown, audited."""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnons.api import services, tokens
from compagnons.api.models import AccessToken, Scope
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.models import AuditLog
from tests.api.conftest import bearer, make_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_only_the_sha256_of_a_high_entropy_secret_is_stored(compagnon):
    token, secret = services.create_token(compagnon, name="Tableur", scopes=["read:profile"], days=30, by=compagnon)
    assert secret.startswith("cpat_") and len(secret) >= 45
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    stored = AccessToken.objects.values().get(pk=token.pk)
    assert secret not in str(stored)
    assert token.prefix == secret[:12]
    assert tokens.find(secret) == token
    assert tokens.find(secret + "x") is None


def test_creation_and_revocation_are_audited_without_the_secret(compagnon):
    token, secret = services.create_token(compagnon, name="Tableur", scopes=["read:profile"], days=30, by=compagnon)
    services.revoke_token(token, by=compagnon)
    entries = AuditLog.objects.filter(action__startswith="api.token_")
    assert sorted(entries.values_list("action", flat=True)) == ["api.token_created", "api.token_revoked"]
    assert all(secret not in str(e.data) and token.digest not in str(e.data) for e in entries)


def test_service_refusals(compagnon, outsider):
    with pytest.raises(InvalidTransition):
        services.create_token(compagnon, name=" ", scopes=["read:profile"], days=30, by=compagnon)
    with pytest.raises(InvalidTransition):
        services.create_token(compagnon, name="x", scopes=["admin:all"], days=30, by=compagnon)
    with pytest.raises(InvalidTransition):
        services.create_token(compagnon, name="x", scopes=["read:profile"], days=10_000, by=compagnon)
    with pytest.raises(PermissionRefused):
        services.create_token(compagnon, name="x", scopes=[Scope.READ_INDICATORS], days=30, by=compagnon)
    with pytest.raises(PermissionRefused):
        services.create_token(compagnon, name="x", scopes=["read:profile"], days=30, by=outsider)
    token, _secret = services.create_token(compagnon, name="x", scopes=["read:profile"], days=30, by=compagnon)
    with pytest.raises(PermissionRefused):
        services.revoke_token(token, by=outsider)


def test_revoked_and_expired_tokens_no_longer_open_anything(client, compagnon):
    secret = make_token(compagnon, ["read:profile"])
    assert client.get("/api/v1/moi", **bearer(secret)).status_code == 200
    token = AccessToken.objects.get(user=compagnon)
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/moi", **bearer(secret))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + timedelta(days=1))
    services.revoke_token(token, by=compagnon)
    assert client.get("/api/v1/moi", **bearer(secret)).status_code == 401


def test_an_inactive_account_token_is_refused(client, compagnon):
    secret = make_token(compagnon, ["read:profile"])
    type(compagnon).objects.filter(pk=compagnon.pk).update(is_active=False)
    assert client.get("/api/v1/moi", **bearer(secret)).status_code == 401


def test_last_use_is_recorded(client, compagnon):
    secret = make_token(compagnon, ["read:profile"])
    assert AccessToken.objects.get().last_used_at is None
    client.get("/api/v1/moi", **bearer(secret))
    assert AccessToken.objects.get().last_used_at is not None


# --- The page in « Mon profil » ---------------------------------------------------------------------------------


def test_the_page_is_refused_to_visitors(client):
    response = client.get(reverse("api:tokens"))
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]
    assert client.post(reverse("api:revoke", args=[1])).status_code == 302


def test_the_profile_links_to_the_tokens(client, compagnon):
    client.force_login(compagnon)
    assert reverse("api:tokens") in client.get(reverse("accounts:profile")).text


def test_the_secret_is_shown_once(client, compagnon, django_assert_max_num_queries):
    client.force_login(compagnon)
    response = client.post(
        reverse("api:tokens"), {"name": "Mon tableur", "scopes": ["read:profile", "read:ledger"], "days": "90"}
    )
    assert response.status_code == 200
    token = AccessToken.objects.get(user=compagnon)
    secret = next(
        word for word in response.text.replace("<", " ").replace(">", " ").split() if word.startswith("cpat_")
    )
    assert tokens.find(secret) == token
    assert response["Cache-Control"] == "no-store"
    with django_assert_max_num_queries(12):
        again = client.get(reverse("api:tokens"))
    assert secret not in again.text and token.prefix in again.text
    assert "Jamais" in again.text


def test_the_team_scope_is_offered_to_the_team_only(client, compagnon, formateur):
    client.force_login(compagnon)
    assert "read:indicators" not in client.get(reverse("api:tokens")).text
    response = client.post(reverse("api:tokens"), {"name": "x", "scopes": ["read:indicators"], "days": "30"})
    assert response.status_code == 422 and not AccessToken.objects.exists()
    client.force_login(formateur)
    assert "read:indicators" in client.get(reverse("api:tokens")).text


def test_bad_input_re_renders_with_a_french_message(client, compagnon):
    client.force_login(compagnon)
    response = client.post(reverse("api:tokens"), {"name": "Mon outil", "days": "30"})
    assert response.status_code == 422
    assert "Ce champ est obligatoire" in response.text and 'value="Mon outil"' in response.text


def test_revoking_from_the_page_and_never_another_members_token(client, compagnon, outsider):
    secret = make_token(compagnon, ["read:profile"])
    token = AccessToken.objects.get(user=compagnon)
    client.force_login(outsider)
    assert client.post(reverse("api:revoke", args=[token.pk])).status_code == 404
    client.force_login(compagnon)
    response = client.post(reverse("api:revoke", args=[token.pk]))
    assert response.status_code == 302
    assert tokens.find(secret) is None


def test_tokens_go_with_the_account(compagnon):
    from compagnons.accounts.services import export_personal_data

    make_token(compagnon, ["read:profile"])
    exported = export_personal_data(compagnon, by=compagnon)
    assert exported["api"]["tokens"][0]["scopes"] == ["read:profile"]
    assert "digest" not in str(exported["api"])


def test_the_demo_gives_the_demo_compagnon_a_token(capsys):
    from compagnons.api import demo

    member = UserFactory(email="compagnon@demo.test")
    demo.seed({"compagnon@demo.test": member})
    demo.seed({"compagnon@demo.test": member})  # idempotent
    secret = capsys.readouterr().out.strip().rsplit(" ", 1)[-1]
    assert tokens.find(secret).user == member
    assert AccessToken.objects.filter(user=member).count() == 1
