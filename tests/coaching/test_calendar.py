"""iCalendar: invitations (METHOD REQUEST / CANCEL, stable UID, SEQUENCE raised) e-mailed to both sides and parsed
back with the same library; the private feed and its revocable token."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from compagnons.coaching import ical, services
from compagnons.coaching.models import CoachingProfile
from tests.factories.coaching import book, paris_time, publish

pytestmark = pytest.mark.django_db


def _event(raw: bytes):
    calendar = Calendar.from_ical(raw)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def _attached(message) -> bytes:
    parts = [part for part in message.message().walk() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0].get_payload(decode=True), parts[0].get_param("method")


def test_book_move_cancel_send_one_event_updated_then_cancelled(
    compagnon, apprenti, mailoutbox, django_capture_on_commit_callbacks
):
    first = publish(compagnon, starts_at=paris_time(hour=9))
    second = publish(compagnon, starts_at=paris_time(hour=10))
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(first, apprenti)
    with django_capture_on_commit_callbacks(execute=True):
        services.move_booking(booking, second, by=apprenti)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(booking, by=apprenti)
    assert len(mailoutbox) == 3
    seen = []
    for message in mailoutbox:
        assert set(message.to) == {compagnon.email, apprenti.email}
        raw, method_param = _attached(message)
        calendar, event = _event(raw)
        assert calendar["METHOD"] == method_param
        seen.append((calendar["METHOD"], str(event["UID"]), int(event["SEQUENCE"]), event.decoded("DTSTART")))
        assert str(event["ORGANIZER"]) == f"mailto:{compagnon.email}"
        assert str(event["ATTENDEE"]) == f"mailto:{apprenti.email}"
    assert [m for m, *_ in seen] == ["REQUEST", "REQUEST", "CANCEL"]
    assert len({uid for _, uid, *_ in seen}) == 1
    assert [seq for *_, seq, _ in seen] == [0, 1, 2]
    assert seen[0][3] == first.starts_at and seen[1][3] == second.starts_at


def test_the_invitation_is_in_utc_with_the_visio_link(compagnon, apprenti):
    slot = publish(compagnon)
    booking = book(slot, apprenti)
    _, event = _event(ical.invitation(booking, "REQUEST"))
    assert event.decoded("DTSTART").utcoffset().total_seconds() == 0
    assert event.decoded("DTEND") == slot.ends_at
    assert str(event["LOCATION"]) == slot.visio_url


def test_the_feed_shows_bookings_and_a_coachs_slots(client, compagnon, apprenti, formateur):
    booked = publish(compagnon, starts_at=paris_time(hour=9))
    publish(compagnon, starts_at=paris_time(hour=10))
    book(booked, apprenti)
    book(publish(formateur, starts_at=paris_time(hour=15)), compagnon)  # the coach books too
    token = services.profile_of(compagnon).feed_token
    response = client.get(reverse("coaching:feed", args=[token]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 3
    apprentice_feed = client.get(reverse("coaching:feed", args=[services.profile_of(apprenti).feed_token]))
    assert len(Calendar.from_ical(apprentice_feed.content).walk("VEVENT")) == 1


def test_the_feed_answers_in_bounded_queries(client, compagnon, django_assert_max_num_queries):
    for hour in range(8, 20):
        publish(compagnon, starts_at=paris_time(hour=hour))
    token = services.profile_of(compagnon).feed_token
    with django_assert_max_num_queries(3):
        assert client.get(reverse("coaching:feed", args=[token])).status_code == 200


def test_a_revoked_feed_address_stops_working(client, apprenti):
    old = services.profile_of(apprenti).feed_token
    client.force_login(apprenti)
    assert client.post(reverse("coaching:renew_feed")).status_code == 302
    client.logout()
    assert client.get(reverse("coaching:feed", args=[old])).status_code == 404
    new = CoachingProfile.objects.get(user=apprenti).feed_token
    assert new != old and client.get(reverse("coaching:feed", args=[new])).status_code == 200


def test_an_unknown_feed_token_is_404(client, db):
    assert client.get(reverse("coaching:feed", args=["nope"])).status_code == 404
