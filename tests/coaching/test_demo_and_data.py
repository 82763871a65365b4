"""Coaching's demo data and its part of the personal data export and erasure."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from compagnons.accounts.models import User
from compagnons.coaching import personal_data, services
from compagnons.coaching.models import Booking, CoachingProfile, Slot
from tests.factories.coaching import book, publish

pytestmark = pytest.mark.django_db


def test_the_demo_has_two_coaches_a_group_session_and_a_booking_for_the_apprentice(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"
    with override_settings(DEBUG=True):
        call_command("seed_demo")
        call_command("seed_demo")  # idempotent
    one_to_one = Slot.objects.filter(capacity=1)
    assert one_to_one.values("coach").distinct().count() == 2
    assert Slot.objects.filter(capacity__gt=1).count() == 1
    lea = User.objects.get(email="apprenti@demo.test")
    assert Booking.objects.live().filter(member=lea).count() == 1


def test_export_and_erase(compagnon, apprenti):
    booking = book(publish(compagnon, place=""), apprenti, note="Mon pitch, avec mon adresse")
    services.set_sharing(by=apprenti, share=True)
    exported = personal_data.export(apprenti)
    assert exported["bookings"][0]["note"] == "Mon pitch, avec mon adresse" and exported["share_with_mentor"]
    personal_data.erase(apprenti, [])
    booking.refresh_from_db()
    assert booking.note == "" and not CoachingProfile.objects.filter(user=apprenti).exists()
