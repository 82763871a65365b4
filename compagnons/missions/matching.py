"""Matching, read: which published missions suit a member and why (`recommend`), and whom to tell about a new
mission (`best_matches`, the fairness rotation the digest uses). Transparent, never by price; reads only."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.accounts.models import Availability, Role, User
from compagnons.missions.models import Application, Mission
from compagnons.missions.records import how_known
from compagnons.skills.models import Level

S = Mission.Status


@dataclass
class Match:
    mission: Mission
    score: int
    reasons: list[str] = field(default_factory=list)


RECOMMENDATION_POOL = 300


def recommend(member: User, *, limit: int = 20, pool: int = RECOMMENDATION_POOL) -> list[Match]:
    """Published missions for this member, each with why. A fixed number of queries."""
    known = how_known([member.pk]).get(member.pk, {})
    if member.availability == Availability.UNAVAILABLE:
        return []
    open_to_member = Mission.objects.published().exclude(client=member).exclude(applications__applicant=member)
    condition = Q(competences__in=list(known))
    if member.trade:
        condition |= Q(trade__label__iexact=member.trade)
    missions = list(
        open_to_member.filter(condition)
        .distinct()
        .select_related("trade")
        .prefetch_related("competences")
        .defer("context", "deliverables")
        .order_by("-published_at")[:pool]
    )
    matches = []
    for mission in missions:
        match = Match(mission, 0)
        for competence in mission.competences.all():
            if competence.pk in known:
                weight, how = known[competence.pk]
                match.score += weight
                match.reasons.append(f"{competence.code} — {how}")
        if member.trade and mission.trade and mission.trade.label.lower() == member.trade.lower():
            match.score += 3
            match.reasons.append(_("votre métier : %(t)s") % {"t": mission.trade.label})
        if member.availability:
            match.reasons.append(_("disponibilité : %(a)s") % {"a": member.get_availability_display().lower()})
        if match.score:
            matches.append(match)
    matches.sort(key=lambda m: (-m.score, -(m.mission.published_at.timestamp() if m.mission.published_at else 0)))
    return matches[:limit]


def best_matches(mission: Mission, *, limit: int, digest: str | None = None) -> list[User]:
    """Members to tell about a new mission: best matches first; among equals, the least solicited first
    (fewer applications in the last 30 days, fewer current missions): the fairness rotation."""
    competence_ids = list(mission.competences.values_list("pk", flat=True))
    candidates = (
        User.objects.active()
        .filter(role_grants__role__in=[Role.APPRENTICE, Role.COMPAGNON], notify_by_email=True)
        .exclude(pk=mission.client_id)
        .exclude(availability=Availability.UNAVAILABLE)
        .exclude(digest="never")
        .filter(**({"digest": digest} if digest else {}))
        .filter(Q(assessments__competence_id__in=competence_ids, assessments__level__gte=Level.ACQUIRED))
        .distinct()
        .values_list("pk", flat=True)[:2000]
    )
    ids = list(candidates)
    known = how_known(ids, competence_ids)
    since = timezone.now() - timedelta(days=30)
    recent = dict(
        Application.objects.filter(applicant_id__in=ids, created_at__gte=since)
        .values("applicant_id")
        .annotate(n=Count("pk"))
        .values_list("applicant_id", "n")
    )
    current = dict(
        Application.objects.filter(
            applicant_id__in=ids,
            status=Application.Status.CHOSEN,
            mission__status__in=[S.ASSIGNED, S.IN_PROGRESS, S.DELIVERED],
        )
        .values("applicant_id")
        .annotate(n=Count("pk"))
        .values_list("applicant_id", "n")
    )
    scored = sorted(
        ids,
        key=lambda pk: (
            -sum(weight for weight, _how in known.get(pk, {}).values()),
            recent.get(pk, 0),
            current.get(pk, 0),
            pk,
        ),
    )
    chosen = scored[:limit]
    users = User.objects.in_bulk(chosen)
    return [users[pk] for pk in chosen]
