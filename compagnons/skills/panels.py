from compagnons.core.dashboard import Panel
from compagnons.core.permissions import is_team
from compagnons.skills import results
from compagnons.skills.models import Positioning


def positioning_panel(request) -> Panel | None:
    """Apprentices: where their bilan stands. Staff: the bilans waiting for their review."""
    user = request.user
    if is_team(user):
        waiting = Positioning.objects.filter(status=Positioning.Status.SUBMITTED).select_related("member")
        return Panel(
            "skills/panels/staff.html",
            {"waiting": list(waiting.order_by("submitted_at")[:10]), "waiting_count": waiting.count()},
        )
    if user.is_apprentice:
        latest = Positioning.objects.filter(member=user).select_related("certification").first()
        context = {"positioning": latest}
        if latest and latest.status != Positioning.Status.DRAFT:
            context["result"] = results.positioning_result(latest)
            context["chart"] = results.chart_rows(context["result"])
        return Panel("skills/panels/apprentice.html", context)
    return None
