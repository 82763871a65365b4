"""Dashboard sections (core.dashboard): a person's pending surveys and complaints; the team's quality figures."""

from django.db.models import Count, Q
from django.utils import timezone

from compagnons.core.dashboard import Panel
from compagnons.core.permissions import is_team
from compagnons.quality import figures
from compagnons.quality.models import Complaint, ImprovementAction


def surveys_panel(request) -> Panel | None:
    """Surveys waiting for this person's answer, their complaints, and an apprentice's attendance sheet. Two queries."""
    user = request.user
    surveys = figures.pending_surveys_for(user)
    complaints = Complaint.objects.filter(filer=user).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=[Complaint.Status.RECEIVED, Complaint.Status.IN_PROGRESS])),
    )
    apprentice = user.is_apprentice
    if not surveys and not complaints["total"] and not apprentice:
        return None
    return Panel(
        "quality/panels/person.html",
        {"surveys": surveys, "complaints": complaints, "attendance_for": user.pk if apprentice else None},
    )


def staff_panel(request) -> Panel | None:
    """Open and overdue complaints and improvement actions. Two queries."""
    if not is_team(request.user):
        return None
    complaints = figures.complaint_counts()
    actions = ImprovementAction.objects.open().aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=timezone.localdate()))
    )
    return Panel("quality/panels/staff.html", {"complaints": complaints, "actions": actions})
