"""A client's attestation (« oui, la mission l'a montré ») becomes, on the member's request, a signed Open Badges 3.0
EndorsementCredential: issued by the platform on behalf of the client named in it, verifiable, revocable, on the
member's mini-site."""

import json

import pytest
from django.urls import reverse

from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.models import AuditLog
from compagnons.credentials import ob3, verification
from compagnons.credentials import services as credentials
from compagnons.credentials.models import IssuedCredential
from compagnons.missions import services
from compagnons.showcase import services as showcase

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keys(settings, tmp_path):
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"


@pytest.fixture
def attested(closed, client_user, competences):
    services.attest(closed, {competences[0].pk: "yes", competences[1].pk: "partly"}, by=client_user)
    return closed


def _attestation(mission, member, competence):
    return mission.attestations.get(member=member, competence=competence)


def test_the_member_asks_and_gets_a_signed_endorsement(client, attested, declared, client_user, competences):
    client.force_login(declared)
    page = client.get(reverse("missions:work", args=[attested.pk])).content.decode()
    assert "Demander la recommandation signée" in page
    attestation = _attestation(attested, declared, competences[0])
    response = client.post(reverse("missions:work_endorse", args=[attested.pk, attestation.pk]), follow=True)
    assert response.status_code == 200
    endorsement = IssuedCredential.objects.get(member=declared, achievement_type=credentials.ENDORSEMENT)
    document = endorsement.document
    assert document["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert document["issuer"]["id"] == credentials.issuer_id()
    subject = document["credentialSubject"]
    assert subject["type"] == ["EndorsementSubject"]
    assert subject["id"].endswith(f"/referentiel/#{competences[0].code}")
    assert client_user.display_name in subject["endorsementComment"]
    assert attested.title in subject["endorsementComment"]
    assert ob3.validate_endorsement(document) == []
    verdict = verification.check(document)
    assert verdict.ok, (verdict.signature_reason, verdict.schema_errors)
    assert "Recommandation signée" in response.content.decode()
    assert AuditLog.objects.filter(action="mission.endorsement_requested", actor=declared).exists()

    # once per attestation: asking again gives the same one, and the page links to it
    assert services.request_endorsement(attestation, by=declared) == endorsement
    page = client.get(reverse("missions:work", args=[attested.pk])).content.decode()
    assert reverse("credentials:verify", args=[endorsement.uuid]) in page


def test_the_endorsement_is_shown_on_the_mini_site_and_in_my_credentials(client, attested, declared, competences):
    attestation = _attestation(attested, declared, competences[0])
    endorsement = services.request_endorsement(attestation, by=declared)
    client.force_login(declared)
    assert endorsement.name in client.get(reverse("credentials:mine")).content.decode()
    profile = showcase.profile_of(declared)
    profile.headline, profile.audience = "Télésecrétaire", "Les cabinets de kinés"
    profile.save()
    showcase.add_service(profile, by=declared, title="Agenda", price_cents=30000, unit="fixed", hours=10)
    showcase.publish(profile, by=declared)
    client.logout()
    page = client.get(reverse("showcase:public", args=[profile.slug])).content.decode()
    assert endorsement.name in page
    assert "un client, signée par l" in page
    assert reverse("credentials:verify", args=[endorsement.uuid]) in page


def test_the_endorsement_is_revocable_like_the_titles(client, attested, declared, formateur, competences):
    endorsement = services.request_endorsement(_attestation(attested, declared, competences[0]), by=declared)
    credentials.revoke(endorsement, by=formateur, reason="Attestation contestée")
    assert verification.check(endorsement.document).status == "révoqué"
    status_list = credentials.status_list_credential()
    assert ob3.is_revoked(status_list["credentialSubject"]["encodedList"], endorsement.status_index)


def test_tampering_with_an_endorsement_breaks_it(attested, declared, competences):
    endorsement = services.request_endorsement(_attestation(attested, declared, competences[0]), by=declared)
    document = json.loads(json.dumps(endorsement.document))
    document["credentialSubject"]["endorsementComment"] = "Le meilleur de tous."
    assert verification.check(document).signature_reason == ob3.MSG_TAMPERED


def test_only_the_attested_member_asks_and_only_for_a_yes(
    client, attested, declared, apprenti, client_user, competences
):
    mine = _attestation(attested, declared, competences[0])
    with pytest.raises(PermissionRefused):
        services.request_endorsement(mine, by=apprenti)
    with pytest.raises(PermissionRefused):
        services.request_endorsement(mine, by=client_user)
    with pytest.raises(InvalidTransition, match="« oui »"):
        services.request_endorsement(_attestation(attested, declared, competences[1]), by=declared)
    # through the page: someone else's attestation is not found, a « partly » one is refused with its message
    client.force_login(apprenti)
    assert client.post(reverse("missions:work_endorse", args=[attested.pk, mine.pk])).status_code == 404
    client.force_login(declared)
    partly = _attestation(attested, declared, competences[1])
    response = client.post(reverse("missions:work_endorse", args=[attested.pk, partly.pk]), follow=True)
    assert "Seule une compétence attestée « oui »" in response.content.decode()
    assert not IssuedCredential.objects.filter(achievement_type=credentials.ENDORSEMENT).exists()


def test_outsiders_cannot_reach_the_endorsement_action(client, attested, declared, outsider, competences):
    attestation = _attestation(attested, declared, competences[0])
    url = reverse("missions:work_endorse", args=[attested.pk, attestation.pk])
    assert client.post(url).status_code == 302  # to the login page
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    assert client.get(url).status_code in (302, 405)


def test_the_work_page_queries_do_not_grow_with_endorsements(
    client, attested, declared, competences, django_assert_max_num_queries
):
    client.force_login(declared)
    url = reverse("missions:work", args=[attested.pk])
    with django_assert_max_num_queries(60) as before:
        client.get(url)
    for competence in competences[:1]:
        services.request_endorsement(_attestation(attested, declared, competence), by=declared)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url)
