"""Issue 13 (C3): a double submit of « déclarer » or of a staff « ajuster » posts once (the form carries an
idempotency key drawn when it is shown); a pitch review credits the reviewer once per member and month."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from compagnons.apprenticeship import services as path_services
from compagnons.ledger.models import Transaction
from compagnons.showcase import services as showcase
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _request_id(html: str) -> str:
    return re.search(r'name="request_id" value="([0-9a-f-]{36})"', html).group(1)


def test_a_declaration_posted_twice_is_written_once(client, compagnon, apprenti, formateur):
    path_services.assign_mentor(apprenti, compagnon, by=formateur)
    client.force_login(compagnon)
    url = reverse("ledger:declare")
    data = {"email": apprenti.email, "kind": "coaching", "minutes": 30, "note": "Préparer un entretien"}
    data["request_id"] = _request_id(client.get(url).content.decode())

    assert client.post(url, data).status_code == 302
    again = client.post(url, data)

    assert again.status_code == 200
    assert "déjà déclarée" in again.content.decode()
    assert Transaction.objects.filter(kind="coaching").count() == 1
    # A new form is a new declaration.
    data["request_id"] = _request_id(client.get(url).content.decode())
    assert client.post(url, data).status_code == 302
    assert Transaction.objects.filter(kind="coaching").count() == 2


def test_an_adjustment_posted_twice_is_written_once(client, compagnon, formateur):
    client.force_login(formateur)
    url = reverse("ledger:staff_member", args=[compagnon.pk])
    data = {"adjust": "1", "minutes": 120, "reason": "Reprise d'un carnet papier"}
    data["request_id"] = _request_id(client.get(url).content.decode())

    client.post(url, data)
    again = client.post(url, data)

    assert any("déjà enregistré" in str(m) for m in get_messages(again.wsgi_request))
    assert Transaction.objects.filter(kind="adjustment").count() == 1


def test_a_pitch_review_credits_once_per_member_reviewer_and_month(client, compagnon, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    reviewer = UserFactory(compagnon=True)
    for version in range(3):
        pitch = showcase.save_pitch(compagnon, answers={"who": "Moi"}, text=f"Je suis graphiste ({version}).")
        showcase.ask_pitch_review(pitch, reviewer, by=compagnon)
        if version < 2:
            showcase.review_pitch(pitch, by=reviewer, comment="Ajoutez un chiffre.", approve=False)
    assert Transaction.objects.filter(kind="review", beneficiary=reviewer).count() == 1

    client.force_login(reviewer)
    response = client.post(reverse("showcase:review_pitch", args=[pitch.pk]), {"comment": "Mieux.", "approve": "on"})
    assert any("une fois par mois" in str(m) for m in get_messages(response.wsgi_request))
    assert Transaction.objects.filter(kind="review", beneficiary=reviewer).count() == 1
