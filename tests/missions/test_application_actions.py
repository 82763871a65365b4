"""An application's actions: one POST view each (shortlist, choose, withdraw, send). Per action: it does its work
for the right person, an outsider gets 404, a GET gets 405, and a refusal or a bad input is said in French."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from compagnons.apprenticeship import services as path_services
from compagnons.missions import services
from compagnons.missions.forms import TEXT_MAX_LENGTH
from compagnons.missions.models import Application

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def sent(published, declared):
    return services.apply(published(), declared, message="Je connais ce métier.")


@pytest.fixture
def draft(published, apprenti, compagnon, formateur):
    """An apprentice's application waiting for their mentor's review: a draft."""
    path_services.assign_mentor(apprenti, compagnon, by=formateur)
    return services.apply(published(), apprenti, message="Premier jet", request_review=True)


def _post(client, name, application, data=None):
    return client.post(reverse(f"missions:{name}", args=[application.pk]), data or {})


def test_the_client_shortlists_then_chooses(client, sent, client_user):
    client.force_login(client_user)
    response = _post(client, "application_shortlist", sent)
    assert response.status_code == 302 and response.url == reverse("missions:applications", args=[sent.mission_id])
    sent.refresh_from_db()
    assert sent.status == Application.Status.SHORTLISTED
    response = _post(client, "application_choose", sent)
    sent.refresh_from_db()
    assert sent.status == Application.Status.CHOSEN
    assert any("retenue" in message for message in _messages(response))


def test_the_applicant_withdraws(client, sent, declared):
    client.force_login(declared)
    response = _post(client, "application_withdraw", sent)
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == Application.Status.WITHDRAWN


@pytest.mark.parametrize(
    "name", ["application_shortlist", "application_choose", "application_withdraw", "application_send"]
)
def test_an_outsider_gets_404_and_nothing_moves(client, sent, outsider, name):
    client.force_login(outsider)
    assert _post(client, name, sent).status_code == 404
    sent.refresh_from_db()
    assert sent.status == Application.Status.SENT


@pytest.mark.parametrize(
    "name", ["application_shortlist", "application_choose", "application_withdraw", "application_send"]
)
def test_actions_answer_only_post(client, sent, client_user, name):
    client.force_login(client_user)
    assert client.get(reverse(f"missions:{name}", args=[sent.pk])).status_code == 405


def test_the_applicant_cannot_choose_themself(client, sent, declared):
    client.force_login(declared)
    response = _post(client, "application_choose", sent)
    assert response.status_code == 302 and _messages(response)
    sent.refresh_from_db()
    assert sent.status == Application.Status.SENT


def test_a_withdrawn_application_cannot_be_withdrawn_again(client, sent, declared):
    services.withdraw(sent, by=declared)
    client.force_login(declared)
    response = _post(client, "application_withdraw", sent)
    assert response.status_code == 302 and _messages(response)


def test_sending_a_draft_with_a_revised_message(client, draft, apprenti):
    client.force_login(apprenti)
    response = _post(client, "application_send", draft, {"message": "Revu et corrigé"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.message) == (Application.Status.SENT, "Revu et corrigé")


def test_a_too_long_revised_message_comes_back_as_typed(client, draft, apprenti, django_assert_max_num_queries):
    client.force_login(apprenti)
    text = "x" * (TEXT_MAX_LENGTH + 1)
    with django_assert_max_num_queries(12):
        response = _post(client, "application_send", draft, {"message": text})
    assert response.status_code == 200
    assert text in response.content.decode() and _messages(response)
    draft.refresh_from_db()
    assert (draft.status, draft.message) == (Application.Status.DRAFT, "Premier jet")
