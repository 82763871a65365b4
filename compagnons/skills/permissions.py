"""Who may see and assess what, in skills.

Mentorship lives in a higher layer (apprenticeship): it registers how to tell a member's mentor with
`register_mentor_check`, so this layer never imports it.
"""

from collections.abc import Callable

from django.http import Http404
from django.shortcuts import get_object_or_404

from compagnons.accounts.models import User
from compagnons.core.permissions import is_team
from compagnons.skills.models import Positioning, Reflection

_mentor_checks: list[Callable] = []


def register_mentor_check(check: Callable) -> None:
    if check not in _mentor_checks:
        _mentor_checks.append(check)


def is_mentor_of(user: User | None, member: User) -> bool:
    if user is None or not user.is_authenticated or user.pk == member.pk:
        return False
    return any(check(user, member) for check in _mentor_checks)


def can_view_positioning(user: User, positioning: Positioning) -> bool:
    """The member, their mentor and staff; nobody else."""
    if not user.is_authenticated:
        return False
    return user.pk == positioning.member_id or is_team(user) or is_mentor_of(user, positioning.member)


def can_review_positioning(user: User, positioning: Positioning) -> bool:
    """The team or the member's mentor, never the member themself."""
    if user.pk == positioning.member_id:
        return False
    return is_team(user) or is_mentor_of(user, positioning.member)


def get_positioning_for_viewer(user: User, pk: int) -> Positioning:
    positioning = get_object_or_404(Positioning.objects.select_related("member", "certification"), pk=pk)
    if not can_view_positioning(user, positioning):
        raise Http404
    return positioning


def get_positioning_for_member(user: User, pk: int) -> Positioning:
    positioning = get_object_or_404(Positioning.objects.select_related("certification"), pk=pk, member=user)
    return positioning


def get_shared_reflection_for_mentor(user: User, member_id: int) -> Reflection:
    """A member's reflection, for their mentor only, and only when shared."""
    page = get_object_or_404(Reflection.objects.select_related("member"), member_id=member_id, shared_with_mentor=True)
    if not is_mentor_of(user, page.member):
        raise Http404
    return page


def get_positioning_for_reviewer(user: User, pk: int) -> tuple[Positioning, str]:
    """The positioning and the source this reviewer speaks as (staff or mentor); 404 for anyone else."""
    positioning = get_positioning_for_viewer(user, pk)
    if user.pk == positioning.member_id:
        raise Http404
    if is_team(user):
        return positioning, "staff"
    if is_mentor_of(user, positioning.member):
        return positioning, "mentor"
    raise Http404
