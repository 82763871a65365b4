"""Coaching's section of « Mon espace », and the ways to give back it offers. A fixed number of queries."""

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.accounts.models import User
from compagnons.coaching.models import Booking, Slot
from compagnons.coaching.permissions import can_book, can_coach
from compagnons.core.dashboard import Panel
from compagnons.ledger.giveback import Way


def coaching_panel(request) -> Panel | None:
    user = request.user
    coach, booker = can_coach(user), can_book(user)
    if not (coach or booker):
        return None
    now = timezone.now()
    upcoming = list(
        Booking.objects.upcoming(now)
        .filter(member=user)
        .select_related("slot", "slot__coach")
        .order_by("slot__starts_at")[:3]
    )
    coached = []
    if coach:
        coached = list(
            Booking.objects.upcoming(now)
            .filter(slot__coach=user)
            .select_related("slot", "member")
            .order_by("slot__starts_at")[:3]
        )
    # The apprentices this person mentors who chose to share their coaching with them.
    sharing = list(
        User.objects.filter(
            mentorships_as_apprentice__mentor=user,
            mentorships_as_apprentice__ended_at__isnull=True,
            coaching_profile__share_with_mentor=True,
        ).order_by("first_name", "last_name")[:10]
    )
    return Panel(
        "coaching/panels/member.html",
        {"upcoming": upcoming, "coached": coached, "coach": coach, "booker": booker, "sharing": sharing},
    )


def give_back(user) -> list[Way]:
    """Coaches may open another group session when the open ones are (nearly) full: demand to meet."""
    if not can_coach(user):
        return []
    nearly_full = Slot.objects.bookable().filter(capacity__gt=1, booked_count__gte=F("capacity") - 1).count()
    return [
        Way(
            _("Des séances collectives de coaching sont presque complètes : proposez-en une autre"),
            reverse("coaching:slot_new"),
            nearly_full,
        )
    ]
