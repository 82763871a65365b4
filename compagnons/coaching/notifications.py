"""Coaching e-mails: the calendar invitation sent to both sides at each booking, move or cancellation, and the
reminders. Each task reads the rows it is given (ids only), renders French and sends; nothing here calls services."""

from email.message import MIMEPart

from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from compagnons.coaching import ical
from compagnons.coaching.models import Booking
from compagnons.core.sites import user_sender, user_site_url

SUBJECTS = {
    "REQUEST": "[Compagnons] Séance de coaching : invitation",
    "CANCEL": "[Compagnons] Séance de coaching annulée",
}


def _booking(booking_id: int) -> Booking | None:
    return Booking.objects.select_related("slot", "slot__coach__site", "member__site").filter(pk=booking_id).first()


def _recipients(booking: Booking) -> list[tuple[str, str | None, list[str]]]:
    """(site address, sender, addresses): the coach and the member share one message when they share a site, else
    each gets theirs, with their own site's links and sender (docs/sites.md)."""
    groups: dict[tuple[str, str | None], list[str]] = {}
    for person in (booking.slot.coach, booking.member):
        if person.is_active and person.email:
            groups.setdefault((user_site_url(person), user_sender(person)), []).append(person.email)
    return [(url, sender, emails) for (url, sender), emails in groups.items()]


def invitation_part(booking: Booking, method: str) -> MIMEPart:
    part = MIMEPart()
    part.set_content(
        ical.invitation(booking, method).decode(),
        subtype="calendar",
        params={"method": method},
        disposition="attachment",
        filename="invitation.ics",
    )
    return part


@task
def send_invitation(booking_id: int, method: str) -> bool:
    """REQUEST when booked or moved, CANCEL when cancelled: the same UID, the booking's current SEQUENCE."""
    booking = _booking(booking_id)
    recipients = _recipients(booking) if booking else []
    if not recipients:
        return False
    with translation.override("fr"):
        for url, sender, emails in recipients:
            body = render_to_string(
                "coaching/email/invitation.txt",
                {"booking": booking, "slot": booking.slot, "cancelled": method == "CANCEL", "site_url": url},
            )
            message = EmailMessage(SUBJECTS[method], body, sender, emails)
            message.attach(invitation_part(booking, method))
            message.send()
    return True


@task
def send_reminder(booking_id: int, which: str) -> bool:
    booking = _booking(booking_id)
    if booking is None or booking.status != Booking.Status.BOOKED:
        return False
    recipients = _recipients(booking)
    if not recipients:
        return False
    with translation.override("fr"):
        for url, sender, emails in recipients:
            body = render_to_string(
                "coaching/email/reminder.txt",
                {"booking": booking, "slot": booking.slot, "which": which, "site_url": url},
            )
            EmailMessage("[Compagnons] Rappel : séance de coaching", body, sender, emails).send()
    return True
