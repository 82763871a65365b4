from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from compagnons.accounts.models import User
from compagnons.core.permissions import is_team


def can_manage_members(user: User) -> bool:
    """The team (core.permissions.is_team: the one rule for « team member »)."""
    return is_team(user)


def require_staff(user: User) -> None:
    if not can_manage_members(user):
        raise PermissionDenied


def get_member_for_staff(user: User, pk: int) -> User:
    require_staff(user)
    return get_object_or_404(User.objects.active(), pk=pk)
