"""Coaching, in the browser: a compagnon publishes a slot from « Mon espace »; an apprentice finds the slots from the
header's « Coaching » link, books one, moves it to another slot of the same coach, then cancels it. Every page
passes axe."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from compagnons.coaching.models import Booking, Slot
from tests.e2e.conftest import assert_accessible
from tests.factories import UserFactory
from tests.factories.coaching import paris_time, publish

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_coach_publishes_a_slot_from_mon_espace(open_browser, charter):
    coach = UserFactory(compagnon=True, first_name="Jean", last_name="Coach")
    session = open_browser()
    session.log_in(coach)
    page = session.page
    page.goto("/")
    page.get_by_role("link", name="Mon espace").first.click()
    page.get_by_role("link", name="Mes créneaux de coach").click()
    assert_accessible(page)
    page.get_by_role("button", name="Proposer un créneau ou une séance collective").click()
    assert_accessible(page)
    day = timezone.localdate() + timedelta(days=6)
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Heure (heure de Paris)").fill("18:30")
    page.get_by_label("Pitch").check()
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_text("C'est publié")).to_be_visible()
    assert_accessible(page)
    slot = Slot.objects.get(coach=coach)
    assert timezone.localtime(slot.starts_at).hour == 18 and slot.visio_url


def test_an_apprentice_books_moves_and_cancels(open_browser, charter):
    coach = UserFactory(compagnon=True, first_name="Jean", last_name="Coach")
    first = publish(coach, starts_at=paris_time(days=4, hour=10))
    second = publish(coach, starts_at=paris_time(days=5, hour=11))
    apprentice = UserFactory(apprentice=True, first_name="Léa", last_name="Apprentie")
    session = open_browser()
    session.log_in(apprentice)
    page = session.page

    page.goto("/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Coaching").click()
    expect(page.get_by_role("heading", name="Réserver une séance de coaching")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Voir et réserver").first.click()
    assert_accessible(page)
    page.get_by_label("Ce que vous aimeriez aborder").fill("Mon pitch")
    page.get_by_role("button", name="Réserver ce créneau").click()
    expect(page.get_by_text("Séance réservée")).to_be_visible()
    assert_accessible(page)
    booking = Booking.objects.get(member=apprentice)
    assert booking.slot == first and booking.status == Booking.Status.BOOKED

    page.get_by_role("link", name="Déplacer").click()
    assert_accessible(page)
    page.get_by_role("button", name="Déplacer ici").click()
    expect(page.get_by_text("Séance déplacée")).to_be_visible()
    booking.refresh_from_db()
    assert booking.slot == second and booking.sequence == 1

    page.get_by_role("button", name="Annuler la réservation").click()
    expect(page.get_by_text("Réservation annulée")).to_be_visible()
    assert_accessible(page)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert Slot.objects.get(pk=second.pk).booked_count == 0
