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
    """Published missions for this member, each with why. A fixed number of queries (four).

    The pool is scored on plain values (ids, the trade's label, the compétences' codes: no model per row of the
    pool), and only the `limit` shown are read as missions and given their reasons."""
    known = how_known([member.pk]).get(member.pk, {})
    if member.availability == Availability.UNAVAILABLE:
        return []
    open_to_member = Mission.objects.published().exclude(client=member).exclude(applications__applicant=member)
    condition = Q(competences__in=list(known))
    if member.trade:
        condition |= Q(trade__label__iexact=member.trade)
    candidates = list(
        open_to_member.filter(condition)
        .distinct()
        .order_by("-published_at")
        .values_list("pk", "published_at", "trade__label")[:pool]
    )
    links: dict[int, list[tuple[int, str]]] = {}
    for mission_id, competence_id, code in Mission.competences.through.objects.filter(
        mission_id__in=[pk for pk, _at, _label in candidates]
    ).values_list("mission_id", "competence_id", "competence__code"):
        links.setdefault(mission_id, []).append((competence_id, code))
    trade = member.trade.lower() if member.trade else ""
    scored = []
    for pk, published_at, label in candidates:
        score = sum(known[c][0] for c, _code in links.get(pk, []) if c in known)
        if trade and label and label.lower() == trade:
            score += 3
        if score:
            scored.append((-score, -(published_at.timestamp() if published_at else 0), pk, score, label))
    scored.sort()
    shown = scored[:limit]
    missions = Mission.objects.select_related("trade").defer("context", "deliverables").in_bulk([s[2] for s in shown])
    matches = []
    for _neg, _at, pk, score, label in shown:
        match = Match(missions[pk], score)
        for competence_id, code in sorted(links.get(pk, []), key=lambda link: link[1]):
            if competence_id in known:
                match.reasons.append(f"{code} — {known[competence_id][1]}")
        if trade and label and label.lower() == trade:
            match.reasons.append(_("votre métier : %(t)s") % {"t": label})
        if member.availability:
            match.reasons.append(_("disponibilité : %(a)s") % {"a": member.get_availability_display().lower()})
        matches.append(match)
    return matches


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
