from compagnons.apprenticeship.models import Mentorship
from compagnons.core.dashboard import Panel
from compagnons.skills.models import Positioning


def mentor_panel(request) -> Panel | None:
    """A compagnon's apprentices, each with where their latest bilan stands. Two queries."""
    user = request.user
    if not user.is_compagnon:
        return None
    mentorships = list(Mentorship.objects.active().filter(mentor=user).select_related("apprentice")[:50])
    latest: dict[int, Positioning] = {}
    positionings = Positioning.objects.filter(member__in=[m.apprentice_id for m in mentorships]).order_by("started_at")
    for positioning in positionings:
        latest[positioning.member_id] = positioning
    rows = [(m.apprentice, latest.get(m.apprentice_id)) for m in mentorships]
    return Panel("apprenticeship/panels/mentor.html", {"rows": rows})


def apprentice_mentor_panel(request) -> Panel | None:
    user = request.user
    if not user.is_apprentice:
        return None
    mentorship = Mentorship.objects.active().filter(apprentice=user).select_related("mentor").first()
    return Panel("apprenticeship/panels/apprentice.html", {"mentorship": mentorship})
