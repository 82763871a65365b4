"""A member adds a credential another registered house issued them: it must verify (the house's key, read from its
DID document — simulated here, the network being off in tests), be valid and carry the hash of their e-mail; their
mini-site then shows it as coming from that house."""

import copy
import json
import uuid

import pytest
from django.urls import reverse

from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.credentials import houses, ob3, resolver, services, verification
from compagnons.credentials.models import HouseCredential, HouseEndorsement
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
    with pytest.raises(InvalidTransition, match="reste enregistrée"):
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


# --- A house's recommendation (EndorsementCredential) of one of the member's titles ------------------------------


def house_endorsement(house_key, subject_id: str, *, uid: str = "0b5c8a9e-2f43-4d0e-9a51-6c1d2e3f4a5b") -> dict:
    """A recommendation the house signed (its key, as the house's platform signs them)."""
    unsigned = ob3.build_endorsement(
        credential_id=f"https://compagnons-sud.exemple/verifier/{uid}/",
        issuer_id=DID,
        issuer_name="Compagnons du Sud",
        issuer_url="https://compagnons-sud.exemple",
        valid_from="2026-01-20T09:00:00Z",
        name="Recommandation : BC01 — Se présenter",
        subject_id=subject_id,
        comment="Un client de la maison atteste un pitch remarquable, mission du 18 janvier.",
    )
    return ob3.sign(unsigned, house_key, METHOD, "2026-01-20T09:00:00Z")


def publish_site(member):
    profile = showcase.profile_of(member)
    profile.headline, profile.audience = "Télésecrétaire", "Les cabinets"
    profile.save()
    showcase.add_service(profile, by=member, title="Agenda", price_cents=30000, unit="fixed", hours=10)
    showcase.publish(profile, by=member)
    return profile


def test_a_house_s_recommendation_of_one_of_our_titles_shows_on_the_mini_site_as_such(
    client, sud, compagnon, house_key, credential
):
    from compagnons.core.models import AuditLog

    document = house_endorsement(house_key, credential.document["id"])
    client.force_login(compagnon)
    response = client.post(
        reverse("credentials:add_house_endorsement"), {"recommandation-document": json.dumps(document)}, follow=True
    )
    page = response.content.decode()
    assert "Recommandation de la maison « Compagnons du Sud » ajoutée" in page
    assert "sur votre titre « BC01 — Se présenter »" in page
    added = HouseEndorsement.objects.get()
    assert (added.member, added.house, added.issued_credential, added.house_credential) == (
        compagnon,
        sud,
        credential,
        None,
    )
    assert AuditLog.objects.filter(action="credentials.house_endorsement_added", data__house=DID).exists()

    profile = publish_site(compagnon)
    client.logout()
    page = client.get(reverse("showcase:public", args=[profile.slug])).content.decode()
    assert "Recommandations d'autres maisons" in page
    assert "Signée par la maison « Compagnons du Sud », reconnue par l'association" in page
    assert "Un client de la maison atteste un pitch remarquable" in page
    assert f'href="{document["id"]}"' in page  # verifiable at the house

    with pytest.raises(InvalidTransition, match="déjà ajouté cette recommandation"):
        houses.add_house_endorsement(member=compagnon, document=document)
    with pytest.raises(InvalidTransition, match="recommandations de cette maison"):
        services.remove_house(sud, by=sud.registered_by)

    # a title of ours revoked since: its recommendation leaves the mini-site
    services.revoke(credential, by=sud.registered_by, reason="Erreur de jury")
    page = client.get(reverse("showcase:public", args=[profile.slug])).content.decode()
    assert "Recommandations d'autres maisons" not in page
    with pytest.raises(InvalidTransition, match="est révoqué"):
        houses.add_house_endorsement(
            member=compagnon, document=house_endorsement(house_key, credential.document["id"], uid=str(uuid.uuid4()))
        )


def test_a_house_s_recommendation_of_a_house_title_the_member_added_is_accepted(sud, compagnon, house_key):
    title = houses.add_house_credential(member=compagnon, document=house_credential(house_key, compagnon.email))
    endorsement = houses.add_house_endorsement(
        member=compagnon, document=house_endorsement(house_key, title.credential_id)
    )
    assert (endorsement.house_credential, endorsement.endorsed_title) == (title, "BC02 — Organiser son activité")


def test_a_recommendation_of_someone_else_s_title_or_of_no_title_is_refused(
    sud, compagnon, apprenti, house_key, credential
):
    """Nothing in an EndorsementSubject names a person: what it endorses must be provably the member's."""
    not_theirs = [
        credential.document["id"],  # the compagnon's title, pasted by the apprentie
        "https://compagnons-sud.exemple/referentiel/#C1.1",  # a compétence: anyone's
        houses.add_house_credential(
            member=compagnon, document=house_credential(house_key, compagnon.email)
        ).credential_id,
        credential.document["id"].replace(str(credential.uuid), str(uuid.uuid4())),  # no such title
    ]
    for subject_id in not_theirs:
        document = house_endorsement(house_key, subject_id, uid=str(uuid.uuid4()))
        with pytest.raises(InvalidTransition, match="ne porte sur aucun de vos titres"):
            houses.add_house_endorsement(member=apprenti, document=document)
    assert not HouseEndorsement.objects.exists()


def test_an_unregistered_house_a_tampered_recommendation_or_ours_is_refused(
    compagnon, formateur, house_key, credential, client_user
):
    document = house_endorsement(house_key, credential.document["id"])
    with pytest.raises(InvalidTransition, match="Cette recommandation n'a pas été émise par une maison reconnue"):
        houses.add_house_endorsement(member=compagnon, document=document)
    services.register_house(did=DID, name="Compagnons du Sud", by=formateur)
    tampered = copy.deepcopy(document)
    tampered["credentialSubject"]["endorsementComment"] = "Le meilleur du monde."
    with pytest.raises(InvalidTransition, match="Cette recommandation ne se vérifie pas"):
        houses.add_house_endorsement(member=compagnon, document=tampered)
    ours = services.issue_endorsement(
        member=compagnon,
        key="test/C1.1",
        name="Recommandation : C1.1",
        subject_id=credential.document["id"],
        comment="Sophie recommande.",
        evidence=client_user,
        evidence_url="https://exemple.test/mission/1",
        evidence_name="Mission",
    )
    with pytest.raises(InvalidTransition, match="maison reconnue"):
        houses.add_house_endorsement(member=compagnon, document=ours.document)  # ours shows already
    # each form takes its own kind
    with pytest.raises(InvalidTransition, match="pas une recommandation"):
        houses.add_house_endorsement(member=compagnon, document=house_credential(house_key, compagnon.email))
    with pytest.raises(InvalidTransition, match="C'est une recommandation"):
        houses.add_house_credential(member=compagnon, document=document)
    assert not HouseEndorsement.objects.exists() and not HouseCredential.objects.exists()


def test_a_recommendation_s_bad_input_is_said_in_french_and_kept(client, compagnon, sud):
    client.force_login(compagnon)
    url = reverse("credentials:add_house_endorsement")
    for text, message in [
        ("pas du json", "Ce n&#x27;est pas un titre au format JSON"),
        ("[1, 2]", "Ce n&#x27;est pas un titre au format JSON"),
        ("[" * 900, "imbrique trop de niveaux"),
        ('{"type": ["VerifiableCredential", "EndorsementCredential"]}', "Cette recommandation n&#x27;a pas été émise"),
    ]:
        response = client.post(url, {"recommandation-document": text})
        assert response.status_code == 200
        page = response.content.decode()
        assert message in page, text
        if len(text) < 100:
            assert text.replace('"', "&quot;") in page  # kept
    assert not HouseEndorsement.objects.exists()


def test_recommendations_need_their_member_a_login_and_a_post(client, sud, compagnon, outsider, house_key, credential):
    add = reverse("credentials:add_house_endorsement")
    assert client.post(add, {"recommandation-document": "{}"}).status_code == 302
    endorsement = houses.add_house_endorsement(
        member=compagnon, document=house_endorsement(house_key, credential.document["id"])
    )
    remove = reverse("credentials:remove_house_endorsement", args=[endorsement.pk])
    assert client.post(remove).status_code == 302 and HouseEndorsement.objects.exists()  # to the login
    client.force_login(outsider)
    assert client.get(add).status_code == 405
    assert client.post(remove).status_code == 404  # someone else's
    with pytest.raises(PermissionRefused):
        houses.remove_house_endorsement(endorsement, by=outsider)
    assert HouseEndorsement.objects.exists()
    client.force_login(compagnon)
    assert client.get(remove).status_code == 405
    response = client.post(remove, follow=True)
    assert "Recommandation retirée de votre mini-site" in response.content.decode()
    assert not HouseEndorsement.objects.exists()


def test_the_titles_page_queries_do_not_grow(
    client, sud, compagnon, house_key, credential, django_assert_max_num_queries
):
    title = houses.add_house_credential(member=compagnon, document=house_credential(house_key, compagnon.email))
    client.force_login(compagnon)
    for n in range(4):
        subject = credential.document["id"] if n % 2 else title.credential_id
        houses.add_house_endorsement(
            member=compagnon, document=house_endorsement(house_key, subject, uid=str(uuid.uuid4()))
        )
    with django_assert_max_num_queries(8):
        page = client.get(reverse("credentials:mine")).content.decode()
    assert page.count("signée par la maison « Compagnons du Sud »") == 4
    profile = publish_site(compagnon)
    client.logout()
    with django_assert_max_num_queries(13):
        page = client.get(reverse("showcase:public", args=[profile.slug])).content.decode()
    assert page.count("Signée par la maison « Compagnons du Sud »") == 4


def test_only_a_web_address_is_a_link_to_verify():
    assert HouseEndorsement(credential_id="https://sud.exemple/verifier/x/").verification_url
    assert HouseEndorsement(credential_id="javascript:alert(1)").verification_url == ""
    assert HouseEndorsement(credential_id="urn:uuid:0b5c8a9e-2f43-4d0e-9a51-6c1d2e3f4a5b").verification_url == ""


def test_personal_data_exports_and_erases_the_recommendations(sud, compagnon, house_key, credential):
    from compagnons.credentials import personal_data

    houses.add_house_endorsement(member=compagnon, document=house_endorsement(house_key, credential.document["id"]))
    exported = personal_data.export(compagnon)["endorsements_from_other_houses"]
    assert [(e["house"], e["endorses"]) for e in exported] == [(DID, "BC01 — Se présenter")]
    personal_data.erase(compagnon, [])
    assert not HouseEndorsement.objects.exists()


def test_a_member_removes_a_house_title_and_its_recommendations_go_with_it(
    client, sud, compagnon, house_key, credential, django_assert_max_num_queries
):
    from compagnons.core.models import AuditLog

    title = houses.add_house_credential(member=compagnon, document=house_credential(house_key, compagnon.email))
    of_title = houses.add_house_endorsement(
        member=compagnon, document=house_endorsement(house_key, title.credential_id)
    )
    of_ours = houses.add_house_endorsement(
        member=compagnon, document=house_endorsement(house_key, credential.document["id"], uid=str(uuid.uuid4()))
    )
    profile = publish_site(compagnon)
    assert (
        "BC02 — Organiser son activité" in client.get(reverse("showcase:public", args=[profile.slug])).content.decode()
    )
    client.force_login(compagnon)
    page = client.get(reverse("credentials:mine")).content.decode()
    remove = reverse("credentials:remove_house_credential", args=[title.pk])
    assert f'action="{remove}"' in page
    assert "Retirer « BC02 — Organiser son activité » de mon mini-site" in page
    with django_assert_max_num_queries(12):
        response = client.post(remove)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Titre retiré de votre mini-site, avec la recommandation qui portait sur lui." in page
    assert not HouseCredential.objects.exists()
    # its recommendation went with it (cascade); the one of our title stays
    assert list(HouseEndorsement.objects.all()) == [of_ours]
    assert not HouseEndorsement.objects.filter(pk=of_title.pk).exists()
    entry = AuditLog.objects.get(action="credentials.house_credential_removed")
    assert (entry.actor, entry.target_id, entry.data) == (compagnon, str(title.pk), {"house": DID, "endorsements": 1})
    client.logout()
    page = client.get(reverse("showcase:public", args=[profile.slug])).content.decode()
    assert "BC02 — Organiser son activité" not in page  # gone from the mini-site
    # the house, no longer holding a title of a member here, still holds the other recommendation
    with pytest.raises(InvalidTransition):
        services.remove_house(sud, by=sud.registered_by)


def test_a_house_title_without_recommendations_is_removed_with_a_plain_message(client, sud, compagnon, house_key):
    title = houses.add_house_credential(member=compagnon, document=house_credential(house_key, compagnon.email))
    client.force_login(compagnon)
    response = client.post(reverse("credentials:remove_house_credential", args=[title.pk]), follow=True)
    assert "Titre retiré de votre mini-site." in response.content.decode()
    assert not HouseCredential.objects.exists()


def test_removing_a_house_title_needs_its_member_a_login_and_a_post(client, sud, compagnon, outsider, house_key):
    title = houses.add_house_credential(member=compagnon, document=house_credential(house_key, compagnon.email))
    remove = reverse("credentials:remove_house_credential", args=[title.pk])
    response = client.post(remove)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert HouseCredential.objects.exists()
    client.force_login(outsider)
    assert client.post(remove).status_code == 404  # someone else's
    with pytest.raises(PermissionRefused):
        houses.remove_house_credential(title, by=outsider)
    assert HouseCredential.objects.exists()
    client.force_login(compagnon)
    assert client.get(remove).status_code == 405
    assert HouseCredential.objects.exists()
