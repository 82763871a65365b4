from datetime import timedelta

from django.utils import timezone

from compagnons.core.dashboard import Panel
from compagnons.core.permissions import is_team
from compagnons.outcomes.links import personal_link
from compagnons.outcomes.models import FollowUp

PHONE_LIST_DAYS = 365  # as the list of surveys to take by phone (views.FOLLOW_UPS_LOOKBACK_DAYS)


def follow_up_panel(request) -> Panel | None:
    """A person who left the path sees their open follow-up survey; the team sees how many await an answer.
    One query either way."""
    user = request.user
    today = timezone.localdate()
    if is_team(user):
        recent = today - timedelta(days=PHONE_LIST_DAYS)
        waiting = FollowUp.objects.due(today).unanswered().filter(due_on__gte=recent, reminders_sent=2).count()
        return Panel("outcomes/panel_staff.html", {"waiting": waiting})
    pending = (
        FollowUp.objects.due(today)
        .unanswered()
        .filter(exit__member=user)
        .select_related("exit")
        .order_by("-due_on")
        .first()
    )
    if pending is None:
        return None
    return Panel("outcomes/panel.html", {"follow_up": pending, "link": personal_link(pending, base="")})
