"""One issuer whatever the site (issue 19, docs/sites.md): a member who signed up on another site gets a credential
with the same issuer, keys and verification addresses as anyone else's, and the e-mails' site changes none of it."""

import pytest

from compagnons.credentials import services, verification
from tests.factories import UserFactory
from tests.factories.sites import signed_up_on

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.CREDENTIALS_ISSUER_URL = ""


def _issue(member):
    return services.issue(
        member=member,
        achievement_type="Competency",
        achievement_key="test/BC01",
        name="BC01 — Se présenter",
        description="Mise en situation",
        criteria="Pitch",
        alignments=[],
        evidence=member,
        evidence_url=services.url("credentials:mine"),
        evidence_name="Décision",
    )


def test_a_members_site_changes_neither_the_issuer_nor_the_verification_address(south):
    south_member = signed_up_on(UserFactory(compagnon=True), south)
    south_credential, credential = _issue(south_member), _issue(UserFactory(compagnon=True))

    for document in (south_credential.document, credential.document):
        assert document["issuer"]["id"] == services.issuer_id() == "did:web:compagnons.example"
        assert document["id"].startswith("https://compagnons.example/verifier/")
        assert "sud.example" not in str(document)
        assert verification.check(document).ok
    assert services.page_url(south_credential) == f"https://compagnons.example/verifier/{south_credential.uuid}/"
