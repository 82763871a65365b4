"""The one rule for « team member » (formateurs and coordinateurs): an active account with `is_staff`, which the
staff role keeps in step. Code asks this module, never the role or `is_staff` itself."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

# The same rule as a filter on users, for lists of the team (a choice of who handles a complaint…).
TEAM = Q(is_active=True, is_staff=True)


def is_team(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def require_team(user) -> None:
    if not is_team(user):
        raise PermissionDenied
