"""Dashboard sections of the mission bank. Each runs a fixed number of queries."""

from django.conf import settings
from django.db.models import Count, Q

from compagnons.core.dashboard import Panel
from compagnons.core.permissions import is_team
from compagnons.missions.matching import recommend
from compagnons.missions.models import Application, Dispute, Lead, Mission


def member_panel(request) -> Panel | None:
    user = request.user
    if not (user.is_apprentice or user.is_compagnon):
        return None
    applications = Application.objects.filter(applicant=user).aggregate(
        open=Count("pk", filter=Q(status__in=Application.OPEN)),
        drafts=Count("pk", filter=Q(status=Application.Status.DRAFT)),
    )
    chosen = Application.objects.filter(Q(applicant=user) | Q(partner=user), status=Application.Status.CHOSEN)
    current = list(
        Mission.objects.filter(chosen__in=chosen.values("pk"))
        .filter(status__in=[Mission.Status.ASSIGNED, Mission.Status.IN_PROGRESS, Mission.Status.DELIVERED])
        .order_by("deadline")[:10]
    )
    to_review = Application.objects.filter(
        status=Application.Status.DRAFT,
        review_requested=True,
        applicant__mentorships_as_apprentice__mentor=user,
        applicant__mentorships_as_apprentice__ended_at__isnull=True,
    ).count()
    # Missions proposed from my public page, published and not applied to yet.
    invited = list(
        Mission.objects.published()
        .filter(invited=user)
        .exclude(applications__applicant=user)
        .order_by("-published_at")[:5]
    )
    return Panel(
        "missions/panels/member.html",
        {
            "invited": invited,
            "applications": applications,
            "current": current,
            "to_review": to_review,
            "matches": recommend(user, limit=3, pool=60),
            "cap": settings.MAX_OPEN_APPLICATIONS,
        },
    )


def client_panel(request) -> Panel | None:
    user = request.user
    if not user.is_client:
        return None
    missions = list(
        Mission.objects.of_client(user)
        .exclude(status__in=[Mission.Status.CLOSED, Mission.Status.CANCELLED, Mission.Status.EXPIRED])
        .annotate(received=Count("applications", filter=~Q(applications__status=Application.Status.DRAFT)))
        .order_by("-created_at")[:10]
    )
    return Panel("missions/panels/client.html", {"missions": missions})


def staff_panel(request) -> Panel | None:
    user = request.user
    if not is_team(user):
        return None
    return Panel(
        "missions/panels/staff.html",
        {
            "to_qualify": Mission.objects.filter(status=Mission.Status.SUBMITTED).count(),
            "leads": Lead.objects.filter(status=Lead.Status.NEW).count(),
            "disputes": Dispute.objects.exclude(status=Dispute.Status.FINAL).count(),
        },
    )


def give_back(user) -> list:
    """Ways to give back the mission bank offers: apprentices' applications waiting for their mentor's reading."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from compagnons.ledger.giveback import Way

    waiting = Application.objects.filter(
        status=Application.Status.DRAFT,
        review_requested=True,
        mentor_comment="",
        applicant__mentorships_as_apprentice__mentor=user,
        applicant__mentorships_as_apprentice__ended_at__isnull=True,
    ).count()
    leads = [Way(_("Signaler une piste : un client qui a besoin d'un télétravailleur"), reverse("missions:leads"), 1)]
    return [
        Way(
            _("Des candidatures de vos apprentis attendent votre relecture"),
            reverse("missions:my_applications"),
            waiting,
        ),
        *leads,
    ]
