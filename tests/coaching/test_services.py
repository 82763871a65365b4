"""Coaching rules: who coaches and books, no double booking, deadlines, recurrences (RRULE, a year at most, the
wall-clock time kept across daylight saving), confirmation and the ledger credit."""

import itertools
from datetime import datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from compagnons.coaching import services
from compagnons.coaching.models import Booking, Mode, Recurrence, Slot, Topic
from compagnons.core.audit import AuditLog
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.ledger.models import Transaction
from tests.factories import UserFactory
from tests.factories.coaching import book, happened, paris_time, publish

pytestmark = pytest.mark.django_db


# --- Publishing ---------------------------------------------------------------------------------------------------


def test_a_compagnon_or_a_formateur_coaches_an_apprentice_does_not(compagnon, formateur, apprenti):
    assert publish(compagnon).coach == compagnon
    assert publish(formateur).coach == formateur
    with pytest.raises(PermissionRefused):
        publish(apprenti)


def test_an_inactive_compagnon_does_not_coach(compagnon):
    compagnon.is_active = False
    compagnon.save()
    with pytest.raises(PermissionRefused):
        publish(compagnon)


def test_a_slot_in_the_past_is_refused(compagnon):
    with pytest.raises(ValueError, match="passé"):
        publish(compagnon, starts_at=timezone.now() - timedelta(minutes=1))
    assert not Slot.objects.exists()


def test_overlapping_slots_of_a_coach_are_refused(compagnon):
    publish(compagnon, starts_at=paris_time(hour=18), minutes=60)
    with pytest.raises(ValueError, match="chevauche"):
        publish(compagnon, starts_at=paris_time(hour=18, minute=30))
    # Back to back is fine.
    publish(compagnon, starts_at=paris_time(hour=19))
    assert Slot.objects.count() == 2


def test_a_cancelled_slot_frees_its_time(compagnon):
    slot = publish(compagnon)
    services.cancel_slot(slot, by=compagnon)
    publish(compagnon)
    assert Slot.objects.open().count() == 1


def test_the_database_refuses_two_open_slots_of_a_coach_at_the_same_start(compagnon):
    slot = publish(compagnon)
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.create(coach=compagnon, starts_at=slot.starts_at, ends_at=slot.ends_at)


def test_remote_slots_get_an_unguessable_visio_link_in_person_need_a_place(compagnon, settings):
    settings.COACHING_VISIO_URL_TEMPLATE = "https://visio.test/{room}"
    one, two = publish(compagnon, starts_at=paris_time(hour=9)), publish(compagnon, starts_at=paris_time(hour=10))
    assert one.visio_url.startswith("https://visio.test/") and len(one.visio_url) > 40
    assert one.visio_url != two.visio_url
    pasted = publish(compagnon, starts_at=paris_time(hour=11), visio_url="https://meet.exemple.test/moi")
    assert pasted.visio_url == "https://meet.exemple.test/moi"
    with pytest.raises(ValueError, match="lieu"):
        publish(compagnon, starts_at=paris_time(hour=12), mode=Mode.IN_PERSON)
    here = publish(compagnon, starts_at=paris_time(hour=12), mode=Mode.IN_PERSON, place="Tiers-lieu de Rennes")
    assert here.place and not here.visio_url


def test_a_group_session_needs_a_title(compagnon):
    with pytest.raises(ValueError, match="titre"):
        publish(compagnon, capacity=5, title="")


# --- Recurrences --------------------------------------------------------------------------------------------------


def _recur(coach, rule, first, **extra):
    return services.publish_recurrence(
        by=coach, first_start=first, rrule=rule, duration_minutes=60, topics=Topic.OUTILS, **extra
    )


def test_a_weekly_recurrence_becomes_its_slots(compagnon):
    recurrence = _recur(compagnon, "FREQ=WEEKLY;COUNT=4", paris_time(days=3))
    starts = list(recurrence.slots.values_list("starts_at", flat=True))
    assert len(starts) == 4
    assert all(later - earlier == timedelta(days=7) for earlier, later in itertools.pairwise(starts))


def test_an_endless_recurrence_is_refused(compagnon):
    with pytest.raises(ValueError, match="ne finit jamais"):
        _recur(compagnon, "FREQ=WEEKLY;BYDAY=TH", paris_time(days=3))
    assert not Recurrence.objects.exists() and not Slot.objects.exists()


def test_a_recurrence_longer_than_a_year_is_refused(compagnon):
    with pytest.raises(ValueError, match="plus d'un an"):
        _recur(compagnon, "FREQ=WEEKLY;COUNT=60", paris_time(days=3))
    with pytest.raises(ValueError, match="plus d'un an"):
        _recur(compagnon, "FREQ=DAILY;UNTIL=20991231", paris_time(days=3))
    assert not Slot.objects.exists()


def test_an_unreadable_rule_is_refused(compagnon):
    with pytest.raises(ValueError, match="lisible"):
        _recur(compagnon, "FREQ=SOMETIMES;COUNT=3", paris_time(days=3))


def test_a_recurrence_overlapping_an_existing_slot_is_refused_whole(compagnon):
    publish(compagnon, starts_at=paris_time(days=17, hour=18, minute=30))
    with pytest.raises(ValueError, match="chevauche"):
        _recur(compagnon, "FREQ=WEEKLY;COUNT=4", paris_time(days=3, hour=18))
    assert Slot.objects.count() == 1


@pytest.mark.parametrize(
    ("first", "change"),
    [
        (datetime(2027, 3, 18, 18, 0), datetime(2027, 3, 28)),  # summer time begins on 28 March 2027
        (datetime(2027, 10, 21, 18, 0), datetime(2027, 10, 31)),  # and ends on 31 October 2027
    ],
    ids=["march", "october"],
)
def test_a_weekly_slot_keeps_its_paris_wall_clock_time_across_daylight_saving(compagnon, first, change):
    starts = services.expand("FREQ=WEEKLY;COUNT=4", first)
    local = [timezone.localtime(start, services.paris()) for start in starts]
    assert [(t.hour, t.minute) for t in local] == [(18, 0)] * 4
    utc_hours = {t.astimezone(timezone.UTC).hour for t in starts}
    assert len(utc_hours) == 2, "the UTC hour moves by one across the change, the Paris hour does not"
    assert local[0].date() < change.date() < local[-1].date()


# --- Booking ------------------------------------------------------------------------------------------------------


def test_booking_takes_a_place_and_invites_both_sides(
    compagnon, apprenti, mailoutbox, django_capture_on_commit_callbacks
):
    slot = publish(compagnon)
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(slot, apprenti)
    slot.refresh_from_db()
    assert slot.booked_count == 1 and booking.status == Booking.Status.BOOKED
    assert len(mailoutbox) == 1 and set(mailoutbox[0].to) == {compagnon.email, apprenti.email}
    assert AuditLog.objects.filter(action="coaching.booked").exists()


def test_a_one_to_one_slot_takes_one_member(compagnon, apprenti):
    slot = publish(compagnon)
    book(slot, apprenti)
    other = UserFactory(apprentice=True)
    with pytest.raises(InvalidTransition, match="complet"):
        book(slot, other)
    assert Booking.objects.count() == 1


def test_a_group_session_takes_its_capacity_no_more(compagnon):
    slot = publish(compagnon, capacity=2)
    book(slot, UserFactory(apprentice=True))
    book(slot, UserFactory(apprentice=True))
    with pytest.raises(InvalidTransition, match="complet"):
        book(slot, UserFactory(apprentice=True))
    slot.refresh_from_db()
    assert slot.booked_count == 2


def test_the_database_refuses_more_bookings_than_places(compagnon, apprenti):
    slot = publish(compagnon)
    book(slot, apprenti)
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(booked_count=2)


def test_the_database_refuses_two_live_bookings_of_a_member_on_a_slot(compagnon, apprenti):
    slot = publish(compagnon, capacity=3)
    book(slot, apprenti)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(slot=slot, member=apprenti)


def test_booking_a_slot_twice_is_refused(compagnon, apprenti):
    slot = publish(compagnon, capacity=3)
    book(slot, apprenti)
    with pytest.raises(InvalidTransition, match="déjà réservé"):
        book(slot, apprenti)


def test_a_member_is_never_in_two_overlapping_bookings(compagnon, formateur, apprenti):
    book(publish(compagnon, starts_at=paris_time(hour=18), minutes=60), apprenti)
    other = publish(formateur, starts_at=paris_time(hour=18, minute=30))
    with pytest.raises(InvalidTransition, match="à ce moment-là"):
        book(other, apprenti)
    other.refresh_from_db()
    assert other.booked_count == 0


def test_a_cancelled_slot_cannot_be_booked(compagnon, apprenti):
    slot = publish(compagnon)
    services.cancel_slot(slot, by=compagnon)
    with pytest.raises(InvalidTransition, match="annulé"):
        book(slot, apprenti)


def test_booking_closes_before_the_slot(compagnon, apprenti, settings):
    settings.COACHING_BOOKING_CLOSE_MINUTES = 120
    slot = publish(compagnon, starts_at=timezone.now() + timedelta(minutes=90))
    with pytest.raises(InvalidTransition, match="closes"):
        book(slot, apprenti)


def test_a_member_holds_at_most_the_open_bookings_allowed(compagnon, apprenti, settings):
    settings.COACHING_MAX_OPEN_BOOKINGS = 2
    book(publish(compagnon, starts_at=paris_time(hour=9)), apprenti)
    book(publish(compagnon, starts_at=paris_time(hour=10)), apprenti)
    with pytest.raises(InvalidTransition, match="maximum"):
        book(publish(compagnon, starts_at=paris_time(hour=11)), apprenti)


def test_a_coach_does_not_book_their_own_slot_and_outsiders_do_not_book(compagnon, outsider, client_user):
    slot = publish(compagnon)
    with pytest.raises(InvalidTransition):
        book(slot, compagnon)
    for who in (outsider, client_user):
        with pytest.raises(PermissionRefused):
            book(slot, who)


# --- Cancel and move --------------------------------------------------------------------------------------------


def test_cancelling_frees_the_place_and_sends_a_cancel(
    compagnon, apprenti, mailoutbox, django_capture_on_commit_callbacks
):
    slot = publish(compagnon)
    booking = book(slot, apprenti)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(booking, by=apprenti)
    slot.refresh_from_db()
    booking.refresh_from_db()
    assert slot.booked_count == 0 and booking.status == Booking.Status.CANCELLED and booking.sequence == 1
    assert "annulée" in mailoutbox[-1].subject
    book(slot, UserFactory(apprentice=True))


def test_cancelling_too_late_is_refused_and_keeps_the_booking(compagnon, apprenti):
    slot = publish(compagnon, starts_at=timezone.now() + timedelta(hours=23))
    booking = book(slot, apprenti)
    with pytest.raises(InvalidTransition, match="Trop tard"):
        services.cancel_booking(booking, by=apprenti)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_only_the_member_cancels_their_booking(compagnon, apprenti):
    booking = book(publish(compagnon), apprenti)
    with pytest.raises(PermissionRefused):
        services.cancel_booking(booking, by=compagnon)


def test_moving_keeps_the_event_and_raises_its_sequence(compagnon, apprenti):
    first = publish(compagnon, starts_at=paris_time(hour=9))
    second = publish(compagnon, starts_at=paris_time(hour=10))
    booking = book(first, apprenti)
    uid = booking.uid
    moved = services.move_booking(booking, second, by=apprenti)
    first.refresh_from_db()
    second.refresh_from_db()
    assert moved.slot == second and moved.uid == uid and moved.sequence == 1
    assert (first.booked_count, second.booked_count) == (0, 1)


def test_moving_to_a_full_slot_or_another_coach_is_refused_and_keeps_the_booking(compagnon, formateur, apprenti):
    first = publish(compagnon, starts_at=paris_time(hour=9))
    full = publish(compagnon, starts_at=paris_time(hour=10))
    book(full, UserFactory(apprentice=True))
    booking = book(first, apprenti)
    with pytest.raises(InvalidTransition, match="complet"):
        services.move_booking(booking, full, by=apprenti)
    with pytest.raises(InvalidTransition, match="même coach"):
        services.move_booking(booking, publish(formateur, starts_at=paris_time(hour=11)), by=apprenti)
    booking.refresh_from_db()
    first.refresh_from_db()
    assert booking.slot == first and first.booked_count == 1


def test_a_coach_cancelling_a_slot_cancels_its_bookings(
    compagnon, apprenti, mailoutbox, django_capture_on_commit_callbacks
):
    slot = publish(compagnon, capacity=3)
    booking = book(slot, apprenti)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_slot(slot, by=compagnon)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.sequence == 1
    assert mailoutbox[-1].subject.endswith("annulée")


def test_ending_a_recurrence_cancels_its_future_slots(compagnon, apprenti):
    recurrence = _recur(compagnon, "FREQ=WEEKLY;COUNT=3", paris_time(days=3))
    booking = book(recurrence.slots.first(), apprenti)
    assert services.end_recurrence(recurrence, by=compagnon) == 3
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert not Slot.objects.open().exists()


# --- After the session ------------------------------------------------------------------------------------------


def test_both_confirm_then_the_coach_is_credited_once(compagnon, apprenti):
    slot = publish(compagnon, minutes=45)
    booking = book(slot, apprenti)
    happened(slot)
    services.confirm_session(booking, by=apprenti, says="held")
    assert not Transaction.objects.filter(kind=Transaction.Kind.COACHING).exists()
    services.confirm_session(booking, by=compagnon, says="held", coach_note="Bravo pour le pitch.")
    credit = Transaction.objects.get(kind=Transaction.Kind.COACHING)
    assert credit.beneficiary == compagnon and credit.idempotency_key == f"coaching:{booking.pk}"
    assert credit.movements.filter(minutes=45).exists()
    with pytest.raises(InvalidTransition):
        services.confirm_session(booking, by=compagnon, says="held")
    assert Transaction.objects.filter(kind=Transaction.Kind.COACHING).count() == 1


def test_a_no_show_credits_nothing(compagnon, apprenti):
    slot = publish(compagnon)
    booking = book(slot, apprenti)
    happened(slot)
    services.confirm_session(booking, by=compagnon, says="no_show")
    services.confirm_session(booking, by=apprenti, says="held")
    assert not Transaction.objects.filter(kind=Transaction.Kind.COACHING).exists()


def test_a_group_session_credits_a_share_per_member(compagnon, apprenti):
    slot = publish(compagnon, capacity=4, minutes=120)
    booking = book(slot, apprenti)
    happened(slot)
    services.confirm_session(booking, by=apprenti, says="held")
    services.confirm_session(booking, by=compagnon, says="held")
    assert Transaction.objects.get(kind=Transaction.Kind.COACHING).movements.filter(minutes=30).exists()


def test_a_session_is_confirmed_only_after_it_and_by_its_two_sides(compagnon, apprenti, outsider):
    slot = publish(compagnon)
    booking = book(slot, apprenti)
    with pytest.raises(InvalidTransition, match="pas encore"):
        services.confirm_session(booking, by=apprenti, says="held")
    happened(slot)
    with pytest.raises(PermissionRefused):
        services.confirm_session(booking, by=outsider, says="held")


# --- Reminders ----------------------------------------------------------------------------------------------------


def test_reminders_are_claimed_once(compagnon, apprenti):
    soon = book(publish(compagnon, starts_at=timezone.now() + timedelta(hours=20)), apprenti)
    later = book(publish(compagnon, starts_at=timezone.now() + timedelta(days=3)), apprenti)
    assert services.claim_reminders() == [(soon.pk, "24h")]
    assert services.claim_reminders() == []
    one_hour = timezone.now() + timedelta(hours=19, minutes=30)
    assert services.claim_reminders(now=one_hour) == [(soon.pk, "1h")]
    assert services.claim_reminders(now=one_hour) == []
    later.refresh_from_db()
    assert later.reminded_24h_at is None


def test_the_reminder_job_sends_each_reminder_once(compagnon, apprenti, mailoutbox):
    from compagnons.coaching.jobs import send_coaching_reminders

    book(publish(compagnon, starts_at=timezone.now() + timedelta(hours=20)), apprenti)
    mailoutbox.clear()
    send_coaching_reminders.call()
    send_coaching_reminders.call()
    assert len(mailoutbox) == 1 and "Rappel" in mailoutbox[0].subject


def test_confirmed_coaching_counts_in_the_attendance_sheet(compagnon, apprenti, enrolled):
    from compagnons.quality.exports import attendance_context

    slot = publish(compagnon, minutes=45)
    booking = book(slot, apprenti)
    happened(slot)
    assert attendance_context(apprenti)["minutes"] == 0
    services.confirm_session(booking, by=apprenti, says="held")
    assert attendance_context(apprenti)["minutes"] == 0, "counted once both sides confirmed"
    services.confirm_session(booking, by=compagnon, says="held")
    context = attendance_context(apprenti)
    assert context["minutes"] == 45 and context["coaching"] == [booking]


def test_a_rule_more_often_than_daily_is_refused(compagnon):
    with pytest.raises(ValueError, match="une fois par jour"):
        _recur(compagnon, "FREQ=HOURLY;COUNT=3", paris_time(days=3))
