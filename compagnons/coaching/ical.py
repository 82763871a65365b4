"""iCalendar (RFC 5545 / iTIP RFC 5546) built with the `icalendar` library: the invitation e-mailed for a booking
(METHOD REQUEST or CANCEL, one stable UID per booking, SEQUENCE raised at each change) and the private feeds.
Times are written in UTC (« …Z »), which Thunderbird, Outlook and Google Calendar all read without a VTIMEZONE."""

from datetime import UTC, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from compagnons.accounts.models import User
from compagnons.coaching.models import Booking, Mode, Slot

PRODID = "-//Compagnons du télétravail//Coaching//FR"
FEED_PAST = timedelta(days=30)
FEED_AHEAD = timedelta(days=366)


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "compagnons.local"


def booking_uid(booking: Booking) -> str:
    return f"coaching-{booking.uid}@{_host()}"


def slot_uid(slot: Slot) -> str:
    return f"coaching-slot-{slot.pk}@{_host()}"


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _where(slot: Slot) -> str:
    return slot.visio_url if slot.mode == Mode.REMOTE else slot.place


def _person(user: User, role: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.display_name)
    address.params["role"] = vText(role)
    return address


def _event(uid: str, slot: Slot, summary: str, sequence: int, stamp) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", slot.starts_at.astimezone(UTC))
    event.add("dtend", slot.ends_at.astimezone(UTC))
    event.add("sequence", sequence)
    event.add("summary", summary)
    where = _where(slot)
    if where:
        event.add("location", where)
    if slot.mode == Mode.REMOTE and slot.visio_url:
        event.add("url", slot.visio_url)
    return event


def booking_summary(booking: Booking) -> str:
    slot = booking.slot
    if slot.is_group:
        return _("Coaching collectif : %(title)s") % {"title": slot.title}
    return _("Coaching avec %(coach)s et %(member)s") % {
        "coach": slot.coach.display_name,
        "member": booking.member.display_name,
    }


def invitation(booking: Booking, method: str) -> bytes:
    """The iTIP message for one booking: REQUEST (booked or moved) or CANCEL. The coach organises, the member
    attends."""
    slot = booking.slot
    calendar = _calendar(method)
    event = _event(booking_uid(booking), slot, booking_summary(booking), booking.sequence, timezone.now())
    event.add("organizer", _person(slot.coach, "CHAIR"))
    attendee = _person(booking.member, "REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    event.add("attendee", attendee)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    if booking.note:
        event.add("description", booking.note)
    calendar.add_component(event)
    return calendar.to_ical()


def feed(user: User) -> bytes:
    """The person's bookings and, for a coach, their open slots with who booked them — from 30 days ago to a year
    ahead, in two queries whatever the number of slots."""
    now = timezone.now()
    window = {"slot__starts_at__gte": now - FEED_PAST, "slot__starts_at__lte": now + FEED_AHEAD}
    calendar = _calendar()
    calendar.add("x-wr-calname", _("Coaching — Compagnons"))
    bookings = Booking.objects.live().filter(member=user, **window).select_related("slot", "slot__coach", "member")
    for booking in bookings:
        calendar.add_component(
            _event(booking_uid(booking), booking.slot, booking_summary(booking), booking.sequence, booking.created_at)
        )
    slots = (
        Slot.objects.open()
        .filter(coach=user, starts_at__gte=now - FEED_PAST, starts_at__lte=now + FEED_AHEAD)
        .only(
            "pk",
            "starts_at",
            "ends_at",
            "mode",
            "visio_url",
            "place",
            "title",
            "capacity",
            "booked_count",
            "created_at",
        )
    )
    for slot in slots.iterator(chunk_size=2000):
        if slot.booked_count:
            summary = _("Coaching : %(n)s/%(cap)s réservé") % {"n": slot.booked_count, "cap": slot.capacity}
        else:
            summary = _("Créneau de coaching libre")
        if slot.title:
            summary = f"{slot.title} — {summary}"
        calendar.add_component(_event(slot_uid(slot), slot, summary, 0, slot.created_at))
    return calendar.to_ical()
