"""Quality's satisfaction scan picks up the coaching sessions both sides confirmed: one survey for the member per
booking, whatever the number of runs (quality reads coaching; coaching never imports quality)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnons.coaching import services as coaching
from compagnons.coaching.models import Booking
from compagnons.quality import services
from compagnons.quality.jobs import send_satisfaction_surveys
from compagnons.quality.models import Survey
from tests.factories import UserFactory
from tests.factories.coaching import book, happened, publish

pytestmark = pytest.mark.django_db


def _held(coach, member, *, member_says="held", coach_says="held"):
    slot = publish(coach)
    booking = book(slot, member)
    happened(slot, hours_ago=3)
    if coach_says:
        coaching.confirm_session(booking, by=coach, says=coach_says, coach_note="Bravo pour le pitch.")
    if member_says:
        coaching.confirm_session(booking, by=member, says=member_says)
    return booking


def test_a_session_confirmed_by_both_gets_one_survey_for_the_member(compagnon, apprenti, enrolled, mailoutbox):
    booking = _held(compagnon, apprenti)
    mailoutbox.clear()

    send_satisfaction_surveys.call()
    assert send_satisfaction_surveys.call() == {"created": 0, "invited": 0, "reminded": 0}

    survey = Survey.objects.get()
    assert (survey.kind, survey.audience, survey.person, survey.coaching_booking) == (
        Survey.Kind.COACHING,
        Survey.Audience.MEMBER,
        apprenti,
        booking,
    )
    assert survey.cohort == enrolled.cohort and survey.invited_at is not None
    assert [m.to for m in mailoutbox] == [[apprenti.email]]
    assert "séance de coaching" in mailoutbox[0].body


def test_a_member_without_a_path_is_asked_too(compagnon):
    member = UserFactory(compagnon=True)
    _held(UserFactory(compagnon=True), member)
    assert services.create_due_surveys() == 1
    assert Survey.objects.get().cohort is None


def test_no_survey_until_both_sides_said_the_session_took_place(compagnon, apprenti):
    _held(compagnon, apprenti, member_says=None)
    _held(UserFactory(compagnon=True), apprenti, member_says="no_show")
    _held(UserFactory(compagnon=True), apprenti, coach_says="no_show")
    assert services.create_due_surveys() == 0


def test_each_booking_of_a_group_session_is_asked_once(compagnon, apprenti):
    other = UserFactory(compagnon=True)
    slot = publish(compagnon, capacity=3)
    bookings = [book(slot, apprenti), book(slot, other)]
    happened(slot, hours_ago=3)
    for booking in bookings:
        coaching.confirm_session(booking, by=compagnon, says="held")
        coaching.confirm_session(booking, by=booking.member, says="held")

    assert services.create_due_surveys() == 2
    assert services.create_due_surveys() == 0
    assert {s.person for s in Survey.objects.all()} == {apprenti, other}


def test_a_session_confirmed_long_ago_gets_no_survey(compagnon, apprenti):
    booking = _held(compagnon, apprenti)
    Booking.objects.filter(pk=booking.pk).update(credited_at=timezone.now() - timedelta(days=60))
    assert services.create_due_surveys() == 0


def test_the_coaching_survey_asks_about_the_session_not_a_score_of_the_coach(client, compagnon, apprenti):
    _held(compagnon, apprenti)
    services.create_due_surveys()
    survey = Survey.objects.get()
    client.force_login(apprenti)
    html = client.get(reverse("quality:survey", args=[survey.pk])).content.decode()
    assert "séance de coaching" in html and "organisation de la séance" in html
    response = client.post(
        reverse("quality:survey", args=[survey.pk]),
        {"satisfaction": "4", "expectations": "3", "support": "4", "recommend": "yes", "liked": "", "improve": ""},
    )
    assert response.status_code in (200, 302)
    survey.refresh_from_db()
    assert survey.answered_at is not None and survey.satisfaction == 4
