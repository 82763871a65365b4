"""Who may see what in the outcomes app. The staff pages answer 403 to anyone outside the team
(core.permissions.require_team); `get_<thing>_for_<role>(user, pk)` fetches and checks in one step (404 otherwise).
The person's own survey is reached through their signed link (links.check_link), not through an account."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from compagnons.accounts.models import User
from compagnons.core.permissions import is_team
from compagnons.outcomes.models import FollowUp


def get_follow_up_for_staff(user: User, pk: int) -> FollowUp:
    if not is_team(user):
        raise Http404
    return get_object_or_404(FollowUp.objects.select_related("exit__member", "exit__cohort", "recorded_by"), pk=pk)
