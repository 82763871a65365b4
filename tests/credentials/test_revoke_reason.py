"""Issue 13 (C3): the revocation reason is read through a form field: a NUL byte gets a message, not a 500."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_nul_byte_in_the_reason_revokes_nothing(client, credential, formateur):
    client.force_login(formateur)
    response = client.post(reverse("credentials:staff"), {"uuid": credential.uuid, "reason": "Erreur\x00"}, follow=True)
    assert response.status_code == 200
    assert "nul" in response.content.decode().lower()
    credential.refresh_from_db()
    assert not credential.is_revoked
