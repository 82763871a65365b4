"""Pairing, read side: who mentors whom, the compagnons suggested to an apprentice (with their reasons), the
compétences still missing, a compagnon's spare capacity, and who has worked with whom. No writes here: the requests,
answers and assignments are in services.py."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compagnons.accounts.models import Availability, Role, User
from compagnons.apprenticeship.models import Enrollment, Mentorship, PathProfile
from compagnons.skills import services as skills_services
from compagnons.skills.models import Assessment, Certification, Competence, Level


def is_mentor_of(user: User, member: User) -> bool:
    return Mentorship.objects.active().filter(mentor=user, apprentice=member).exists()


@dataclass
class Suggestion:
    compagnon: User
    score: int
    spare: int
    reasons: list[str] = field(default_factory=list)


def gaps_of(apprentice: User, certification: Certification | None) -> set[int]:
    """Compétences the apprentice still needs: current level below « acquis » (or never assessed)."""
    if certification is None:
        return set()
    levels = skills_services.current_levels(apprentice, certification)
    return {pk for pk, current in levels.items() if current.level is None or current.level < Level.ACQUIRED}


def suggest_mentors(apprentice: User, *, limit: int = 5) -> list[Suggestion]:
    """Compagnons ranked for this apprentice, each with the reasons. A fixed number of queries."""
    certification = Certification.objects.current()
    needed = gaps_of(apprentice, certification)
    candidates = list(
        User.objects.active()
        .with_role(Role.COMPAGNON)
        .exclude(pk=apprentice.pk)
        .annotate(
            following=Count("mentorships_as_mentor", filter=Q(mentorships_as_mentor__ended_at__isnull=True)),
        )
        .select_related("path_profile")
        .order_by("pk")[:500]
    )
    validated: dict[int, set[int]] = {}
    if needed:
        rows = (
            Assessment.objects.filter(member__in=candidates, competence_id__in=needed, level__gte=Level.ACQUIRED)
            .exclude(source=Assessment.Source.SELF)
            .values_list("member_id", "competence_id")
        )
        for member_id, competence_id in rows:
            validated.setdefault(member_id, set()).add(competence_id)
    labels = dict(Competence.objects.filter(pk__in=needed).values_list("pk", "code")) if needed else {}
    own_languages = {lang.strip().lower() for lang in apprentice.languages.split(",") if lang.strip()}
    suggestions = []
    for c in candidates:
        profile = getattr(c, "path_profile", None)
        capacity = profile.mentor_capacity if profile else settings.DEFAULT_MENTOR_CAPACITY
        if profile and not profile.accepting_apprentices:
            continue
        spare = capacity - c.following
        if spare <= 0:
            continue
        s = Suggestion(c, 0, spare)
        if apprentice.trade and c.trade and apprentice.trade.strip().lower() == c.trade.strip().lower():
            s.score += 30
            s.reasons.append(_("même métier : %(trade)s") % {"trade": c.trade})
        shared = validated.get(c.pk, set())
        if shared:
            s.score += 10 * len(shared)
            codes = ", ".join(sorted(labels[pk] for pk in shared))
            s.reasons.append(_("a validé des compétences qui vous manquent : %(codes)s") % {"codes": codes})
        if c.availability and c.availability != Availability.UNAVAILABLE:
            s.score += 5
            s.reasons.append(_("disponibilité : %(a)s") % {"a": c.get_availability_display().lower()})
        if apprentice.region and c.region == apprentice.region:
            s.score += 5
            s.reasons.append(_("même région : %(r)s") % {"r": c.get_region_display()})
        languages = own_languages & {lang.strip().lower() for lang in c.languages.split(",") if lang.strip()}
        if languages - {"français"}:
            s.score += 5
            s.reasons.append(_("langue en commun : %(l)s") % {"l": ", ".join(sorted(languages))})
        s.score += spare
        s.reasons.append(
            ngettext("peut encore accompagner %(n)s apprenti", "peut encore accompagner %(n)s apprentis", spare)
            % {"n": spare}
        )
        suggestions.append(s)
    suggestions.sort(key=lambda s: (-s.score, s.compagnon.pk))
    return suggestions[:limit]


def spare_capacity(compagnon: User) -> int:
    profile = PathProfile.objects.filter(member=compagnon).first()
    capacity = profile.mentor_capacity if profile else settings.DEFAULT_MENTOR_CAPACITY
    if profile and not profile.accepting_apprentices:
        return 0
    return capacity - Mentorship.objects.active().filter(mentor=compagnon).count()


def worked_together(a: User, b: User) -> bool:
    """A mentorship (past or present) or a shared cohort: enough to declare help given."""
    pair = Q(mentor=a, apprentice=b) | Q(mentor=b, apprentice=a)
    if Mentorship.objects.filter(pair).exists():
        return True
    return Enrollment.objects.filter(member=a, cohort__enrollments__member=b).exists()
