"""Dashboard sections for the path (registered with core.dashboard). Each runs a fixed number of queries."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.apprenticeship import progress, services
from compagnons.apprenticeship.models import (
    AdoptionPiece,
    Cohort,
    Enrollment,
    Evidence,
    MentoringSession,
    Mentorship,
    MentorshipRequest,
)
from compagnons.core.dashboard import Panel
from compagnons.core.permissions import is_team
from compagnons.ledger.giveback import Way
from compagnons.skills.models import Positioning


def apprentice_panel(request) -> Panel | None:
    """Stage, mentor, next session, plan progress, carnet de route, and what to do next."""
    user = request.user
    if not user.is_apprentice:
        return None
    enrollment = Enrollment.objects.filter(member=user).select_related("cohort").order_by("-requested_at").first()
    mentorship = Mentorship.objects.active().filter(apprentice=user).select_related("mentor").first()
    sessions = MentoringSession.objects.filter(apprentice=user)
    to_confirm = sessions.filter(status=MentoringSession.Status.PENDING).count()
    upcoming = sessions.filter(next_session_on__gte=timezone.localdate()).order_by("next_session_on").first()
    done, total = progress.plan_progress(user)
    evidence = Evidence.objects.filter(apprentice=user).aggregate(
        validated=Count("pk", filter=Q(status=Evidence.Status.VALIDATED)),
        waiting=Count("pk", filter=Q(status=Evidence.Status.SUBMITTED)),
        changes=Count("pk", filter=Q(status=Evidence.Status.CHANGES_REQUESTED)),
    )
    next_steps = []
    if enrollment is None:
        next_steps.append("enroll")
    if mentorship is None:
        next_steps.append("mentor")
    if to_confirm:
        next_steps.append("confirm")
    if total == 0:
        next_steps.append("plan")
    if evidence["changes"]:
        next_steps.append("changes")
    return Panel(
        "apprenticeship/panels/apprentice.html",
        {
            "enrollment": enrollment,
            "mentorship": mentorship,
            "to_confirm": to_confirm,
            "upcoming": upcoming,
            "done": done,
            "total": total,
            "percent": round(100 * done / total) if total else 0,
            "evidence": evidence,
            "next_steps": next_steps,
        },
    )


def mentor_panel(request) -> Panel | None:
    """My apprentices (with their latest bilan), sessions awaiting their signature, evidence to review, requests."""
    user = request.user
    if not user.is_compagnon:
        return None
    mentorships = list(Mentorship.objects.active().filter(mentor=user).select_related("apprentice")[:50])
    latest: dict[int, Positioning] = {}
    for positioning in Positioning.objects.filter(member__in=[m.apprentice_id for m in mentorships]).order_by(
        "started_at"
    ):
        latest[positioning.member_id] = positioning
    apprentice_ids = [m.apprentice_id for m in mentorships]
    to_review = list(
        Evidence.objects.filter(apprentice_id__in=apprentice_ids, status=Evidence.Status.SUBMITTED)
        .select_related("apprentice")
        .order_by("created_at")[:10]
    )
    sessions = MentoringSession.objects.filter(mentor=user).aggregate(
        pending=Count("pk", filter=Q(status=MentoringSession.Status.PENDING)),
        disputed=Count("pk", filter=Q(status=MentoringSession.Status.DISPUTED)),
    )
    requests = MentorshipRequest.objects.filter(compagnon=user, status=MentorshipRequest.Status.PENDING).count()
    return Panel(
        "apprenticeship/panels/mentor.html",
        {
            "rows": [(m, latest.get(m.apprentice_id)) for m in mentorships],
            "to_review": to_review,
            "sessions": sessions,
            "requests": requests,
        },
    )


def staff_panel(request) -> Panel | None:
    """Cohorts at a glance, apprentices without activity (drop-out prevention), adoption pieces to confirm."""
    user = request.user
    if not is_team(user):
        return None
    cutoff = services.inactivity_cutoff()
    cohorts = list(
        Cohort.objects.filter(ends_on__gte=timezone.localdate())
        .annotate(
            active=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.ACTIVE)),
            inactive=Count(
                "enrollments",
                filter=Q(enrollments__status=Enrollment.Status.ACTIVE, enrollments__last_activity_at__lt=cutoff),
            ),
            requested=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.REQUESTED)),
        )
        .order_by("starts_on")[:20]
    )
    pieces = list(AdoptionPiece.objects.filter(confirmed_at__isnull=True).select_related("enrollment__member")[:10])
    return Panel("apprenticeship/panels/staff.html", {"cohorts": cohorts, "pieces": pieces})


def give_back(user) -> list:
    """Ways to give back the path offers a compagnon: apprentices still looking for one."""
    if not user.is_compagnon:
        return []
    waiting = (
        Enrollment.objects.active()
        .exclude(
            member__mentorships_as_apprentice__ended_at__isnull=True, member__mentorships_as_apprentice__isnull=False
        )
        .count()
    )
    return [
        Way(
            _("Des apprentis cherchent un compagnon : réglez votre disponibilité"),
            reverse("apprenticeship:profile"),
            waiting,
        )
    ]
