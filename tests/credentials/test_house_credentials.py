"""A member adds a credential another registered house issued them: it must verify (the house's key, read from its
DID document — simulated here, the network being off in tests), be valid and carry the hash of their e-mail; their
mini-site then shows it as coming from that house."""

import copy
import json

import pytest
from django.urls import reverse

from compagnons.core.exceptions import InvalidTransition
from compagnons.credentials import houses, ob3, resolver, services, verification
from compagnons.credentials.models import HouseCredential
from compagnons.showcase import services as showcase

pytestmark = pytest.mark.django_db

DID = "did:web:compagnons-sud.exemple"
METHOD = f"{DID}#cle-1"


@pytest.fixture(scope="module")
def house_key():
    return ob3.generate_key()


@pytest.fixture(autouse=True)
def house_network(monkeypatch, house_key):
    """What resolver.py would read from https://compagnons-sud.exemple/.well-known/did.json."""

    def resolve(method):
        return house_key.public_key() if method == METHOD and services.House.objects.filter(did=DID).exists() else None

    monkeypatch.setattr(resolver, "resolve_did_web_key", resolve)


def house_credential(house_key, email: str) -> dict:
    unsigned = ob3.build_credential(
        credential_id="https://compagnons-sud.exemple/verifier/6f2e33e5-7a29-4155-840a-59483ba10164/",
        issuer_id=DID,
        issuer_name="Compagnons du Sud",
        issuer_url="https://compagnons-sud.exemple",
        valid_from="2026-01-15T09:00:00Z",
        name="BC02 — Organiser son activité",
        achievement_id="https://compagnons-sud.exemple/referentiel/#BC02",
        achievement_name="BC02 — Organiser son activité",
        achievement_description="Organiser son activité de télétravailleur",
        criteria_narrative="Jury du 15 janvier",
        salt="sel-sud-42",
        recipient_email=email,
    )
    return ob3.sign(unsigned, house_key, METHOD, "2026-01-15T09:00:00Z")


@pytest.fixture
def sud(formateur):
    return services.register_house(did=DID, name="Compagnons du Sud", by=formateur)


def test_a_member_adds_a_credential_of_a_registered_house_and_the_mini_site_shows_it(client, sud, compagnon, house_key):
    document = house_credential(house_key, compagnon.email.upper())  # the hash is of the trimmed, lower-cased e-mail
    verdict = verification.check(document)
    assert verdict.ok and verdict.house == sud
    client.force_login(compagnon)
    response = client.post(reverse("credentials:add_house_credential"), {"document": json.dumps(document)}, follow=True)
    assert "Titre de la maison « Compagnons du Sud » ajouté" in response.content.decode()
    assert "BC02 — Organiser son activité — délivré par la maison « Compagnons du Sud »" in response.content.decode()
    added = HouseCredential.objects.get()
    assert (added.member, added.house, added.name) == (compagnon, sud, "BC02 — Organiser son activité")

    profile = showcase.profile_of(compagnon)
    profile.headline, profile.audience = "Télésecrétaire", "Les cabinets"
    profile.save()
    showcase.add_service(profile, by=compagnon, title="Agenda", price_cents=30000, unit="fixed", hours=10)
    showcase.publish(profile, by=compagnon)
    client.logout()
    page = client.get(reverse("showcase:public", args=[profile.slug])).content.decode()
    assert "Titres délivrés par d" in page
    assert "BC02 — Organiser son activité" in page
    assert "Compagnons du Sud" in page

    with pytest.raises(InvalidTransition, match="déjà ajouté"):
        houses.add_house_credential(member=compagnon, document=document)
    with pytest.raises(InvalidTransition, match="titres de cette maison"):
        services.remove_house(sud, by=services.House.objects.get().registered_by)


def test_someone_else_s_credential_is_refused(sud, compagnon, house_key):
    with pytest.raises(InvalidTransition, match="pas à votre nom"):
        houses.add_house_credential(member=compagnon, document=house_credential(house_key, "autre@exemple.test"))


def test_an_unregistered_house_a_tampered_or_foreign_credential_is_refused(
    client, compagnon, formateur, house_key, credential
):
    document = house_credential(house_key, compagnon.email)
    with pytest.raises(InvalidTransition, match="maison reconnue"):
        houses.add_house_credential(member=compagnon, document=document)  # not registered
    services.register_house(did=DID, name="Compagnons du Sud", by=formateur)
    tampered = copy.deepcopy(document)
    tampered["name"] = "BC09 — Tout savoir"
    with pytest.raises(InvalidTransition, match="ne se vérifie pas"):
        houses.add_house_credential(member=compagnon, document=tampered)
    with pytest.raises(InvalidTransition, match="maison reconnue"):
        houses.add_house_credential(member=compagnon, document=credential.document)  # ours, not a house's
    assert not HouseCredential.objects.exists()


def test_bad_input_is_said_and_kept(client, compagnon):
    client.force_login(compagnon)
    response = client.post(reverse("credentials:add_house_credential"), {"document": "pas du json"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce n&#x27;est pas un titre au format JSON" in page
    assert "pas du json" in page
    response = client.post(reverse("credentials:add_house_credential"), {"document": "[" * 900})
    assert "imbrique trop de niveaux" in response.content.decode()


def test_adding_needs_a_login_and_a_post(client, compagnon):
    url = reverse("credentials:add_house_credential")
    assert client.post(url, {"document": "{}"}).status_code == 302
    client.force_login(compagnon)
    assert client.get(url).status_code == 405


def test_personal_data_exports_and_erases_them(sud, compagnon, house_key):
    from compagnons.credentials import personal_data

    houses.add_house_credential(member=compagnon, document=house_credential(house_key, compagnon.email))
    exported = personal_data.export(compagnon)["from_other_houses"]
    assert [c["house"] for c in exported] == [DID]
    personal_data.erase(compagnon, [])
    assert not HouseCredential.objects.exists()
