"""Who may coach, book, or see what in coaching. `get_<thing>_for_<role>(user, pk)` fetches and checks in one step
(404 for anyone else)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from compagnons.accounts.models import User
from compagnons.coaching.models import Booking, Slot
from compagnons.core.permissions import is_team


def can_coach(user: User) -> bool:
    """An active compagnon, or a formateur (the team)."""
    return user.is_authenticated and user.is_active and (user.is_compagnon or is_team(user))


def can_book(user: User) -> bool:
    """Members of the path: apprentices and compagnons."""
    return user.is_authenticated and user.is_active and (user.is_apprentice or user.is_compagnon)


def require_coach(user: User) -> None:
    if not can_coach(user):
        raise PermissionDenied


def require_booker(user: User) -> None:
    if not can_book(user):
        raise PermissionDenied


def get_slot_for_coach(user: User, pk: int) -> Slot:
    return get_object_or_404(Slot, pk=pk, coach=user)


def get_slot_for_booker(user: User, pk: int) -> Slot:
    require_booker(user)
    return get_object_or_404(Slot.objects.select_related("coach"), pk=pk)


def get_booking_for_member(user: User, pk: int) -> Booking:
    return get_object_or_404(Booking.objects.select_related("slot", "slot__coach"), pk=pk, member=user)


def get_booking_for_party(user: User, pk: int) -> Booking:
    """The member who booked, or the slot's coach."""
    booking = get_object_or_404(Booking.objects.select_related("slot", "slot__coach", "member"), pk=pk)
    if user.pk not in (booking.member_id, booking.slot.coach_id):
        raise Http404
    return booking
