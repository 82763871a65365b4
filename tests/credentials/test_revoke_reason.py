"""Issue 13 (C3): the revocation reason is read through a form field: a NUL byte gets a message, not a 500."""

import pytest
from django.urls import reverse

from compagnons.credentials import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keys(settings, tmp_path):
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"


def test_a_nul_byte_in_the_reason_revokes_nothing(client, compagnon, formateur):
    credential = services.issue(
        member=compagnon,
        achievement_type="Competency",
        achievement_key="test/BC01",
        name="BC01 — Se présenter",
        description="Mise en situation",
        criteria="Pitch",
        alignments=[],
        evidence=compagnon,
        evidence_url="https://exemple.test/decision/1",
        evidence_name="Décision",
    )
    client.force_login(formateur)
    response = client.post(reverse("credentials:staff"), {"uuid": credential.uuid, "reason": "Erreur\x00"}, follow=True)
    assert response.status_code == 200
    assert "nul" in response.content.decode().lower()
    credential.refresh_from_db()
    assert not credential.is_revoked
