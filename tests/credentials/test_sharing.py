"""Members take their credentials elsewhere: the signed JSON (for a wallet) and LinkedIn's « add to profile » link
with the verification address."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from compagnons.credentials import services, sharing

pytestmark = pytest.mark.django_db


def test_my_credentials_page_needs_a_login(client):
    response = client.get(reverse("credentials:mine"))
    assert response.status_code == 302
    assert "/connexion" in response["Location"] or "login" in response["Location"]


def test_a_member_downloads_the_signed_json_and_gets_the_linkedin_link(client, credential, compagnon):
    client.force_login(compagnon)
    page = client.get(reverse("credentials:mine")).content.decode()
    download = reverse("credentials:download", args=[credential.uuid])
    assert f'href="{download}" download' in page
    response = client.get(download)
    assert response["Content-Disposition"] == f'attachment; filename="titre-{credential.uuid}.json"'
    assert json.loads(response.content) == credential.document

    link = sharing.linkedin_url(credential)
    assert link.replace("&", "&amp;") in page
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {
        "startTask": "CERTIFICATION_NAME",
        "name": credential.name,
        "organizationName": services.ISSUER_NAME,
        "issueYear": str(credential.issued_at.year),
        "issueMonth": str(credential.issued_at.month),
        "certUrl": services.page_url(credential),
        "certId": str(credential.uuid),
    }


def test_a_revoked_credential_offers_no_linkedin_link(client, credential, compagnon, formateur):
    services.revoke(credential, by=formateur, reason="Erreur")
    client.force_login(compagnon)
    page = client.get(reverse("credentials:mine")).content.decode()
    assert "linkedin.com" not in page


def test_my_credentials_page_shows_only_mine_and_its_queries_do_not_grow(
    client, credential, compagnon, formateur, django_assert_max_num_queries
):
    for i in range(4):
        services.issue(
            member=compagnon,
            achievement_type="Competency",
            achievement_key=f"test/BC1{i}",
            name=f"BC1{i}",
            description="",
            criteria="",
            alignments=[],
            evidence=compagnon,
            evidence_url="https://exemple.test/decision/1",
            evidence_name="Décision",
        )
    client.force_login(formateur)
    assert credential.name not in client.get(reverse("credentials:mine")).content.decode()
    client.force_login(compagnon)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("credentials:mine")).status_code == 200
