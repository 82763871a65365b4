# ruff: noqa: F811  (the fixtures imported from test_jury are pytest arguments, not redefinitions)
"""The jury's room: one POST view per action (declare, confirm the minutes, add a member, add a candidate). Per
action: it works for the right person, an outsider gets 404, a GET gets 405, a bad input comes back as typed."""

import pytest
from django.urls import reverse

from compagnons.certification import services
from tests.certification.test_jury import aspirant, certification, full_jury, keys, ready, session  # noqa: F401
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ACTIONS = ["jury_declare", "jury_confirm_minutes", "jury_add_member", "jury_add_candidate"]


def _url(name, session):
    return reverse(f"certification:{name}", args=[session.pk])


def test_a_member_declares_no_conflict(client, session, formateur):
    seat = services.add_member(session, UserFactory(), by=formateur, is_external=True, profession="Graphiste")
    client.force_login(seat.user)
    response = client.post(_url("jury_declare", session))
    assert response.status_code == 302 and response.url == _url("jury", session)
    seat.refresh_from_db()
    assert seat.no_conflict_declared_at is not None


def test_the_team_adds_a_member_and_a_candidate(client, session, formateur, ready):
    person = UserFactory()
    client.force_login(formateur)
    response = client.post(
        _url("jury_add_member", session), {"email": person.email, "profession": "Comptable", "is_external": "on"}
    )
    assert response.status_code == 302
    assert session.members.filter(user=person, is_external=True).exists()
    response = client.post(_url("jury_add_candidate", session), {"masterpiece": ready.pk})
    assert response.status_code == 302
    assert session.candidacies.filter(masterpiece=ready).exists()


def test_an_unknown_address_comes_back_as_typed(client, session, formateur, django_assert_max_num_queries):
    client.force_login(formateur)
    with django_assert_max_num_queries(20):
        response = client.post(
            _url("jury_add_member", session), {"email": "personne@exemple.test", "profession": "Juriste"}
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "personne@exemple.test" in html and "Juriste" in html and "Aucun compte" in html
    assert not session.members.exists()


def test_a_refused_member_is_said_beside_the_form(client, session, formateur, ready):
    """The candidate's own mentor may not sit: the service's refusal comes back on the form, input kept."""
    client.force_login(formateur)
    services.add_candidate(session, ready, by=formateur)
    mentor = ready.candidate.mentorships_as_apprentice.get().mentor
    response = client.post(_url("jury_add_member", session), {"email": mentor.email, "profession": "Compagnon"})
    assert response.status_code == 200 and mentor.email in response.content.decode()
    assert not session.members.filter(user=mentor).exists()


def test_a_jury_member_may_not_compose_the_jury(client, session, formateur):
    seat = services.add_member(session, UserFactory(), by=formateur, is_external=True, profession="Graphiste")
    client.force_login(seat.user)
    response = client.post(_url("jury_add_member", session), {"email": seat.user.email, "profession": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize("name", ACTIONS)
def test_an_outsider_gets_404(client, session, name):
    client.force_login(UserFactory())
    assert client.post(_url(name, session)).status_code == 404


@pytest.mark.parametrize("name", ACTIONS)
def test_actions_answer_only_post(client, session, formateur, name):
    client.force_login(formateur)
    assert client.get(_url(name, session)).status_code == 405


def test_the_minutes_wait_for_the_decisions(client, session, formateur):
    """Confirming minutes before any decision is refused by the service: said, and back to the room."""
    seat = full_jury(session, formateur)[0]
    client.force_login(seat.user)
    response = client.post(_url("jury_confirm_minutes", session), follow=True)
    assert response.redirect_chain[-1][0] == _url("jury", session)
    assert "après la délibération" in response.content.decode()
    seat.refresh_from_db()
    assert seat.minutes_confirmed_at is None
