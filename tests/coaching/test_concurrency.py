"""No double booking under simultaneous requests: each call below runs in its own thread and database connection,
all released at once. PostgreSQL only: SQLite's in-memory test database has one connection per thread and answers
« table is locked » where a file database would wait; on SQLite the same services rely on one writer at a time
(`transaction_mode = IMMEDIATE`, and a write first in every booking), which this test cannot exercise."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from compagnons.coaching import services
from compagnons.coaching.models import Booking, Slot
from compagnons.core.exceptions import InvalidTransition
from tests.concurrency import at_once
from tests.factories import UserFactory
from tests.factories.coaching import paris_time, publish

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="simultaneous writers need a server database"),
]


def test_twenty_members_at_once_on_a_one_to_one_slot_make_one_booking():
    slot = publish(UserFactory(compagnon=True))
    members = iter([UserFactory(apprentice=True) for _ in range(20)])
    lock = threading.Lock()

    def book_one():
        with lock:
            member = next(members)
        return services.book(slot, by=member)

    results, errors = at_once(book_one)
    assert len(results) == 1 and len(errors) == 19
    assert all(isinstance(error, InvalidTransition) for error in errors)
    assert Slot.objects.get(pk=slot.pk).booked_count == Booking.objects.live().count() == 1


def test_a_group_session_never_passes_its_capacity_at_once():
    slot = publish(UserFactory(compagnon=True), capacity=5)
    members = iter([UserFactory(apprentice=True) for _ in range(20)])
    lock = threading.Lock()

    def book_one():
        with lock:
            member = next(members)
        return services.book(slot, by=member)

    results, errors = at_once(book_one)
    assert len(results) == 5 and all(isinstance(error, InvalidTransition) for error in errors)
    assert Slot.objects.get(pk=slot.pk).booked_count == Booking.objects.live().count() == 5


def test_one_member_at_once_on_overlapping_slots_of_ten_coaches_gets_one(settings):
    settings.COACHING_MAX_OPEN_BOOKINGS = 50
    member = UserFactory(apprentice=True)
    services.profile_of(member)  # exists already: the row lock, not its first insert, must serialise
    start = paris_time(hour=18)
    # an hour each, starting five minutes apart: every slot overlaps every other (18:00–19:00 … 18:45–19:45)
    slots = iter(
        [
            publish(UserFactory(compagnon=True), starts_at=start + timedelta(minutes=5 * n), minutes=60)
            for n in range(10)
        ]
    )
    lock = threading.Lock()

    def book_one():
        with lock:
            slot = next(slots)
        return services.book(slot, by=member)

    results, errors = at_once(book_one, times=10)
    assert len(results) == 1 and all(isinstance(error, InvalidTransition) for error in errors)
    assert Booking.objects.live().filter(member=member).count() == 1


def test_a_coach_publishing_overlapping_slots_at_once_gets_one():
    coach = UserFactory(compagnon=True)
    services.profile_of(coach)  # exists already: the row lock, not its first insert, must serialise
    start = paris_time(hour=18)
    starts = iter([start + timedelta(minutes=n) for n in range(10)])
    lock = threading.Lock()

    def publish_one():
        with lock:
            when = next(starts)
        return publish(coach, starts_at=when)

    results, errors = at_once(publish_one, times=10)
    assert len(results) == 1 and all(isinstance(error, ValueError) for error in errors)
    assert Slot.objects.filter(coach=coach).count() == 1
