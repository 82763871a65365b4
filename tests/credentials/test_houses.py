"""The team registers the other houses by their did:web; nobody else can; bad input is said in French, kept."""

import pytest
from django.urls import reverse

from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.models import AuditLog
from compagnons.credentials import services
from compagnons.credentials.models import House

pytestmark = pytest.mark.django_db

DID = "did:web:compagnons-sud.exemple"


def test_only_the_team_sees_and_registers_houses(client, compagnon):
    url = reverse("credentials:houses")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(compagnon)
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Sud", "did": DID}).status_code == 403
    with pytest.raises(PermissionRefused):
        services.register_house(did=DID, name="Sud", by=compagnon)
    assert not House.objects.exists()


def test_the_team_registers_and_removes_a_house(client, formateur):
    client.force_login(formateur)
    response = client.post(reverse("credentials:houses"), {"name": "Compagnons du Sud", "did": DID}, follow=True)
    assert "Maison « Compagnons du Sud » enregistrée." in response.content.decode()
    house = House.objects.get()
    assert (house.did, house.registered_by) == (DID, formateur)
    assert AuditLog.objects.filter(action="credentials.house_registered", actor=formateur).exists()
    response = client.post(reverse("credentials:remove_house", args=[house.pk]), follow=True)
    assert "Maison retirée" in response.content.decode()
    assert not House.objects.exists()


def test_the_others_cannot_remove_a_house(client, formateur, compagnon):
    house = services.register_house(did=DID, name="Sud", by=formateur)
    client.force_login(compagnon)
    assert client.post(reverse("credentials:remove_house", args=[house.pk])).status_code == 403
    assert House.objects.filter(pk=house.pk).exists()


@pytest.mark.parametrize(
    ("did", "message"),
    [
        ("https://compagnons-sud.exemple", "n&#x27;est pas un identifiant did:web"),
        ("did:web:", "n&#x27;est pas un identifiant did:web"),
        ("did:web:a b", "n&#x27;est pas un identifiant did:web"),
    ],
)
def test_a_bad_did_is_said_and_the_input_kept(client, formateur, did, message):
    client.force_login(formateur)
    response = client.post(reverse("credentials:houses"), {"name": "Maison du Sud", "did": did})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'value="Maison du Sud"' in page
    assert not House.objects.exists()


def test_twice_the_same_house_or_our_own_did_is_refused(formateur):
    services.register_house(did=DID, name="Sud", by=formateur)
    with pytest.raises(InvalidTransition, match="déjà enregistrée"):
        services.register_house(did=DID, name="Sud bis", by=formateur)
    with pytest.raises(InvalidTransition, match="cette maison-ci"):
        services.register_house(did=services.issuer_id(), name="Nous", by=formateur)


def test_the_houses_page_queries_do_not_grow(client, formateur, django_assert_max_num_queries):
    client.force_login(formateur)
    for i in range(5):
        services.register_house(did=f"did:web:maison{i}.exemple", name=f"Maison {i}", by=formateur)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("credentials:houses")).status_code == 200
