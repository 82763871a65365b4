"""Coaching's section of « Mon espace », and the ways to give back it offers. A fixed number of queries."""

from django.db.models import F, Q
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
    # One query for the sessions on both sides (the next six, split in Python).
    mine = Q(member=user) | Q(slot__coach=user) if coach else Q(member=user)
    rows = list(
        Booking.objects.upcoming(timezone.now())
        .filter(mine)
        .select_related("slot", "slot__coach", "member")
        .order_by("slot__starts_at")[:6]
    )
    upcoming = [b for b in rows if b.member_id == user.pk][:3]
    coached = [b for b in rows if b.slot.coach_id == user.pk][:3]
    # Compagnons only (mentors are): the apprentices they mentor who chose to share their coaching with them.
    sharing = []
    if user.is_compagnon:
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
