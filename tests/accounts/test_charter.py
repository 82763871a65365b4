import pytest
from django.urls import reverse

from compagnons.accounts import services
from compagnons.accounts.models import CharterAcceptance, CharterVersion
from compagnons.core.exceptions import PermissionRefused
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def new_version(number=2):
    return CharterVersion.objects.create(
        version=number, title="Charte d'entraide", body="## Nouveau\n- Un devoir de plus", changes="- Un devoir de plus"
    )


def test_the_shipped_charter_names_every_party_and_is_public(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(reverse("accounts:charter"))

    html = response.content.decode()
    assert response.status_code == 200
    for party in ["apprenti", "compagnon", "donneur d'ordre", "association"]:
        assert party in html.lower() or party.replace("'", "&#x27;") in html.lower()


def test_a_member_who_has_not_accepted_is_asked_first(client):
    member = UserFactory(apprentice=True, charter=False)
    client.force_login(member)

    response = client.get(reverse("accounts:dashboard"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:charter_accept") + "?next=/espace/"


def test_accepting_records_who_which_version_when_and_goes_on(client):
    member = UserFactory(apprentice=True, charter=False)
    client.force_login(member)
    current = CharterVersion.objects.current()

    refused = client.post(reverse("accounts:charter_accept"), {"next": "/espace/profil/"})
    assert refused.status_code == 200
    assert not CharterAcceptance.objects.filter(user=member).exists()

    response = client.post(
        reverse("accounts:charter_accept"), {"accept": str(current.version), "next": "/espace/profil/"}
    )

    assert response["Location"] == "/espace/profil/"
    acceptance = CharterAcceptance.objects.get(user=member)
    assert acceptance.charter == current
    assert acceptance.accepted_at is not None
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_next_cannot_send_elsewhere(client):
    member = UserFactory(charter=False)
    client.force_login(member)
    current = CharterVersion.objects.current()

    response = client.post(
        reverse("accounts:charter_accept"), {"accept": str(current.version), "next": "https://ailleurs.example/"}
    )

    assert response["Location"] == reverse("accounts:dashboard")


def test_a_new_version_asks_everyone_again_and_keeps_past_acceptances(client, apprenti, formateur):
    client.force_login(apprenti)
    assert client.get(reverse("accounts:dashboard")).status_code == 200

    version2 = new_version()
    with pytest.raises(PermissionRefused):
        services.publish_charter(version2, by=apprenti)
    services.publish_charter(version2, by=formateur)

    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "La charte a changé" in page
    assert "Un devoir de plus" in page

    client.post(reverse("accounts:charter_accept"), {"accept": "2"})
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert sorted(apprenti.charter_acceptances.values_list("charter__version", flat=True)) == [1, 2]


def test_a_version_number_must_grow(formateur):
    old_number = CharterVersion.objects.create(version=0, title="Ancienne", body="…")

    with pytest.raises(ValueError):
        services.publish_charter(old_number, by=formateur)
    old_number.refresh_from_db()
    assert old_number.published_at is None


def test_personal_data_rights_stay_reachable_without_accepting(client):
    member = UserFactory(charter=False)
    client.force_login(member)

    assert client.get(reverse("accounts:personal_data")).status_code == 200
    assert client.post(reverse("accounts:export")).status_code == 200


def test_accept_page_needs_login(client):
    response = client.get(reverse("accounts:charter_accept"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_an_acceptance_found_once_is_not_asked_again_in_the_same_session(client, apprenti):
    """Acceptances are never withdrawn: once found, the session keeps the version, and later pages ask nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as login:
        client.force_login(apprenti)  # the login writes the session anyway: the acceptance goes with it
    with CaptureQueriesContext(connection) as pages:
        for _ in range(2):
            assert client.get(reverse("accounts:profile")).status_code == 200
    assert [q for q in login.captured_queries if "accounts_charteracceptance" in q["sql"]]
    assert not [q for q in pages.captured_queries if "accounts_charteracceptance" in q["sql"]]
