import json

import pytest
from django.urls import reverse

from compagnons.core.exceptions import PermissionRefused
from compagnons.credentials import ob3, services, verification
from compagnons.credentials.models import IssuedCredential, SigningKey
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_issued_credentials_validate_and_verify_and_hide_the_email(credential, compagnon):
    document = credential.document
    assert ob3.validate_schema(document) == []
    assert isinstance(document["proof"], list)
    assert compagnon.email not in json.dumps(document)
    verdict = verification.check(document)
    assert verdict.ok and verdict.status == "valide"


def test_issuing_twice_for_the_same_evidence_returns_the_same(credential, compagnon):
    again = services.issue(
        member=compagnon,
        achievement_type="Competency",
        achievement_key="test/BC01",
        name="x",
        description="",
        criteria="",
        alignments=[],
        evidence=compagnon,
        evidence_url="https://exemple.test/x",
        evidence_name="x",
    )
    assert again == credential
    assert IssuedCredential.objects.count() == 1


def test_a_tampered_credential_fails(credential):
    tampered = json.loads(json.dumps(credential.document))
    tampered["name"] = "Titre inventé"
    verdict = verification.check(tampered)
    assert not verdict.ok and not verdict.signature_ok
    assert "modifié" in verdict.signature_reason


def test_revocation_is_reflected_in_the_status_list_and_pages(client, credential, formateur):
    with pytest.raises(PermissionRefused):
        services.revoke(credential, by=UserFactory(compagnon=True), reason="x")
    services.revoke(credential, by=formateur, reason="Erreur de jury")
    status = services.status_list_credential()
    assert ob3.is_revoked(status["credentialSubject"]["encodedList"], credential.status_index)
    assert verification.check(credential.document).status == "révoqué"
    assert "révoqué" in client.get(reverse("credentials:verify", args=[credential.uuid])).content.decode()


def test_key_rotation_keeps_old_credentials_verifiable(credential, compagnon, formateur):
    old = SigningKey.objects.get(active=True)
    services.rotate_key(by=formateur)
    assert SigningKey.objects.get(active=True) != old
    assert verification.check(credential.document).signature_ok
    profile = services.issuer_profile()
    assert {m["id"].split("#")[1] for m in profile["verificationMethod"]} >= {old.kid}


def test_the_private_key_is_on_disk_never_in_the_database_or_served(client, credential, settings):
    key = SigningKey.objects.get()
    assert (settings.CREDENTIALS_KEY_DIR / key.private_key_file).exists()
    assert "PRIVATE" not in json.dumps(services.issuer_profile())
    assert "PRIVATE" not in client.get(reverse("credentials:issuer")).content.decode()


def test_public_page_and_json_by_content_negotiation(client, credential, django_assert_max_num_queries):
    url = reverse("credentials:verify", args=[credential.uuid])
    with django_assert_max_num_queries(6):
        html = client.get(url).content.decode()
    assert "valide" in html and "data:image/svg+xml" in html
    response = client.get(url, HTTP_ACCEPT="application/ld+json")
    assert response["Content-Type"].startswith("application/ld+json")
    assert json.loads(response.content)["id"].endswith(f"/verifier/{credential.uuid}/")


def test_anyone_can_check_a_pasted_credential(client, credential):
    ok = client.post(reverse("credentials:check"), {"document": json.dumps(credential.document)})
    assert "authentique et valide" in ok.content.decode()
    tampered = dict(credential.document, name="Faux")
    ko = client.post(reverse("credentials:check"), {"document": json.dumps(tampered)})
    assert "ne peut pas être tenu pour valide" in ko.content.decode()
    garbage = client.post(reverse("credentials:check"), {"document": "pas du json"})
    assert "Ce n&#x27;est pas un titre" in garbage.content.decode()


def test_only_staff_revoke_through_the_page(client, credential, compagnon):
    client.force_login(compagnon)
    assert client.post(reverse("credentials:staff"), {"uuid": credential.uuid, "reason": "x"}).status_code == 403
    credential.refresh_from_db()
    assert not credential.is_revoked


def test_revoking_twice_through_the_page_shows_the_refusal_and_changes_nothing(client, credential, formateur):
    client.force_login(formateur)
    client.post(reverse("credentials:staff"), {"uuid": credential.uuid, "reason": "Erreur de jury"})
    credential.refresh_from_db()
    revoked_at = credential.revoked_at
    response = client.post(reverse("credentials:staff"), {"uuid": credential.uuid, "reason": "Encore"}, follow=True)
    assert response.redirect_chain == [(reverse("credentials:staff"), 302)]
    assert "Ce titre est déjà révoqué." in response.content.decode()
    credential.refresh_from_db()
    assert (credential.revoked_at, credential.revoke_reason) == (revoked_at, "Erreur de jury")


def test_the_team_rule_decides_who_revokes(credential, formateur):
    """core.permissions.is_team (staff), not the role: a formateur whose staff flag is gone cannot revoke."""
    formateur.is_staff = False
    with pytest.raises(PermissionRefused):
        services.revoke(credential, by=formateur, reason="x")
    assert not credential.is_revoked
