"""Issue 13 (C3): every free text of a mission goes through a form; a NUL byte (a 500 on PostgreSQL) gets a
French message and nothing is written."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from compagnons.apprenticeship import services as path_services
from compagnons.missions import services
from compagnons.missions.models import Application, Dispute

pytestmark = pytest.mark.django_db

NUL = "Bonjour\x00"


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def assigned(published, declared, apprenti, formateur, client_user):
    path_services.assign_mentor(apprenti, declared, by=formateur)
    mission = published()
    services.choose(services.apply(mission, declared, message="À deux", partner=apprenti), by=client_user)
    services.start(mission, by=declared)
    services.deliver(mission, by=declared, note="Livré")
    mission.refresh_from_db()
    return mission


def test_the_revised_message_of_an_application_refuses_a_nul_byte(client, published, compagnon, apprenti, formateur):
    path_services.assign_mentor(apprenti, compagnon, by=formateur)
    application = services.apply(published(), apprenti, message="Premier jet", request_review=True)
    client.force_login(apprenti)
    response = client.post(reverse("missions:application_send", args=[application.pk]), {"message": "Revu" + NUL})
    assert response.status_code == 200
    assert any("nul" in message.lower() for message in _messages(response))
    assert "Revu" in response.content.decode()  # what was typed comes back
    application.refresh_from_db()
    assert (application.status, application.message) == (Application.Status.DRAFT, "Premier jet")


@pytest.mark.parametrize("action", ["work_changes", "work_dispute"])
def test_the_clients_texts_refuse_a_nul_byte(client, assigned, client_user, action):
    client.force_login(client_user)
    response = client.post(reverse(f"missions:{action}", args=[assigned.pk]), {"text": NUL})
    assert response.status_code == 200
    assert "nul" in " ".join(_messages(response)).lower()
    assigned.refresh_from_db()
    assert assigned.status == "delivered"
    assert not Dispute.objects.exists()


def test_the_answer_to_a_mediation_refuses_a_nul_byte(client, assigned, declared, client_user):
    dispute = services.open_dispute(assigned, by=client_user, reason="Incomplet.")
    client.force_login(declared)
    response = client.post(reverse("missions:work_dispute_response", args=[assigned.pk]), {"text": NUL})
    assert response.status_code == 200
    dispute.refresh_from_db()
    assert dispute.response == ""


def test_a_testimonial_refuses_a_nul_byte(client, assigned, client_user):
    services.accept_delivery(assigned, by=client_user)
    client.force_login(client_user)
    response = client.post(reverse("missions:work_testimonial", args=[assigned.pk]), {"text": NUL})
    assert response.status_code == 200
    assert not assigned.testimonials.exists()


def test_a_missing_text_still_gets_the_services_message(client, assigned, client_user):
    client.force_login(client_user)
    response = client.post(reverse("missions:work_changes", args=[assigned.pk]), {"text": ""})
    assert "Dites ce qui manque." in _messages(response)
