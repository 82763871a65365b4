"""Where a member stands: assessments from every source, the level rule, and the bilan de positionnement.

The level rule (docs/skills.md):
- for each source and assessor, only their most recent judgement counts (people may revise their view); the jury
  speaks as one body, so a later jury judgement (a bloc withdrawn: level « non acquis ») supersedes an earlier one;
- the **current level** is the highest level among those given by someone other than the member
  (formateur, compagnon, validated evidence, client attestation, jury): « confirmé »;
- with no such judgement, the member's latest self-assessment shows as « déclaré »;
- with nothing at all, the compétence is « non évalué ».
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from compagnons.accounts.models import User
from compagnons.core import audit
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.permissions import is_team
from compagnons.skills import permissions
from compagnons.skills.models import Assessment, Block, Certification, Competence, Level, Positioning, Reflection

Source = Assessment.Source


@dataclass
class CurrentLevel:
    level: int | None
    status: str  # "confirmed", "declared" or "none"
    sources: list[Assessment] = field(default_factory=list)

    STATUS_LABELS = {
        "confirmed": gettext_lazy("confirmé"),
        "declared": gettext_lazy("déclaré"),
        "none": gettext_lazy("non évalué"),
    }

    @property
    def status_label(self) -> str:
        return str(self.STATUS_LABELS[self.status])

    @property
    def level_label(self) -> str:
        return Level(self.level).label if self.level is not None else "—"


def voice(assessment: Assessment) -> int | None:
    """Whose judgement an assessment is, within its source: the assessor's; for validated evidence, the evidence
    object's; the jury speaks as one body (its latest word on a compétence counts, whoever recorded it)."""
    if assessment.source == Source.EVIDENCE:
        return assessment.evidence_id
    if assessment.source == Source.JURY:
        return None
    return assessment.assessor_id


def derive_level(assessments: Iterable[Assessment]) -> CurrentLevel:
    """The documented rule, on one compétence's assessments (any order)."""
    latest: dict[tuple[str, int | None], Assessment] = {}
    for a in sorted(assessments, key=lambda a: (a.assessed_at, a.pk or 0)):
        latest[(a.source, voice(a))] = a
    kept = list(latest.values())
    external = [a for a in kept if a.source != Source.SELF]
    if external:
        return CurrentLevel(max(a.level for a in external), "confirmed", kept)
    own = [a for a in kept if a.source == Source.SELF]
    if own:
        return CurrentLevel(max(own, key=lambda a: (a.assessed_at, a.pk or 0)).level, "declared", kept)
    return CurrentLevel(None, "none", [])


def current_levels(member: User, certification: Certification) -> dict[int, CurrentLevel]:
    """Competence id → CurrentLevel for every compétence of the certification. Two queries."""
    competences = list(certification.competences.values_list("pk", flat=True))
    by_competence: dict[int, list[Assessment]] = {pk: [] for pk in competences}
    for a in Assessment.objects.filter(member=member, competence__certification=certification):
        by_competence[a.competence_id].append(a)
    return {pk: derive_level(items) for pk, items in by_competence.items()}


@transaction.atomic
def record_assessment(
    member: User,
    competence: Competence,
    level: int,
    *,
    source: str,
    by: User | None,
    comment: str = "",
    evidence: Model | None = None,
) -> Assessment:
    """The one door for every source of a level (later: validated evidence, client attestation, jury).

    One evidence object backs at most one assessment per compétence and source (a database constraint).
    """
    if level not in Level.values:
        raise ValueError(_("Niveau inconnu."))
    if source == Source.SELF and by.pk != member.pk:
        raise PermissionRefused(_("Une auto-évaluation est faite par la personne elle-même."))
    if source != Source.SELF and by is not None and by.pk == member.pk:
        raise PermissionRefused(_("On ne confirme pas soi-même son propre niveau."))
    if source == Source.STAFF and not is_team(by):
        raise PermissionRefused(_("Seule l'équipe évalue comme formateur."))
    if source == Source.MENTOR and not permissions.is_mentor_of(by, member):
        raise PermissionRefused(_("Seul le compagnon qui accompagne cette personne peut l'évaluer comme compagnon."))
    assessment = Assessment(
        member=member, competence=competence, level=level, source=source, assessor=by, comment=comment
    )
    if evidence is not None:
        assessment.evidence = evidence
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError:
        raise InvalidTransition(_("Cette preuve a déjà servi à évaluer cette compétence.")) from None
    audit.log(by, "skills.assessed", member, competence=competence.code, level=level, source=source)
    return assessment


# --- Positioning --------------------------------------------------------------------------


def steps(certification: Certification) -> list[Block | None]:
    """The guided self-assessment goes bloc by bloc; an RS certification has a single step (None)."""
    blocks = list(certification.blocks.order_by("position", "code"))
    return blocks or [None]


def competences_of_step(certification: Certification, block: Block | None):
    qs = certification.competences.order_by("position", "code")
    return qs.filter(block=block) if block is not None else qs.filter(block__isnull=True)


@transaction.atomic
def start_positioning(member: User, *, by: User, moment: str = Positioning.Moment.ENTRY) -> Positioning:
    """Start (or resume: one draft at a time) a bilan against the référentiel in force."""
    if by.pk != member.pk and not is_team(by):
        raise PermissionRefused(_("Vous ne pouvez pas commencer le positionnement de quelqu'un d'autre."))
    draft = Positioning.objects.filter(member=member, status=Positioning.Status.DRAFT).first()
    if draft:
        return draft
    certification = Certification.objects.current()
    if certification is None:
        raise InvalidTransition(_("Aucun référentiel n'est en vigueur : l'équipe doit en activer un."))
    positioning = Positioning.objects.create(member=member, certification=certification, moment=moment)
    audit.log(by, "positioning.started", positioning, moment=moment)
    return positioning


def _locked(positioning: Positioning) -> Positioning:
    return Positioning.objects.select_for_update(of=("self",)).get(pk=positioning.pk)


@transaction.atomic
def save_self_assessment(positioning: Positioning, answers: dict[int, tuple[int, str]], *, by: User) -> int:
    """Save (or change) the member's answers while the bilan is a draft: it can be resumed any time."""
    positioning = _locked(positioning)
    if by.pk != positioning.member_id:
        raise PermissionRefused(_("Seule la personne positionnée répond à son auto-évaluation."))
    if positioning.status != Positioning.Status.DRAFT:
        raise InvalidTransition(_("Ce positionnement est envoyé : il ne se modifie plus."))
    valid = set(positioning.certification.competences.values_list("pk", flat=True))
    saved = 0
    for competence_id, (level, comment) in answers.items():
        if competence_id not in valid:
            raise ValueError(competence_id)
        Assessment.objects.update_or_create(
            positioning=positioning,
            competence_id=competence_id,
            source=Source.SELF,
            defaults={
                "member_id": positioning.member_id,
                "level": level,
                "comment": comment,
                "assessor": by,
                "assessed_at": timezone.now(),
            },
        )
        saved += 1
    return saved


def missing_answers(positioning: Positioning, source: str = Source.SELF) -> list[Competence]:
    answered = positioning.assessments.filter(source=source).values_list("competence_id", flat=True)
    return list(positioning.certification.competences.exclude(pk__in=answered).order_by("position", "code"))


@transaction.atomic
def submit_positioning(positioning: Positioning, *, by: User) -> Positioning:
    positioning = _locked(positioning)
    if by.pk != positioning.member_id:
        raise PermissionRefused(_("Seule la personne positionnée envoie son auto-évaluation."))
    if positioning.status != Positioning.Status.DRAFT:
        raise InvalidTransition(_("Ce positionnement est déjà envoyé."))
    missing = missing_answers(positioning)
    if missing:
        raise InvalidTransition(
            ngettext(
                "Il reste %(n)s compétence sans réponse : « %(label)s ».",
                "Il reste %(n)s compétences sans réponse, par exemple « %(label)s ».",
                len(missing),
            )
            % {"n": len(missing), "label": missing[0].label}
        )
    positioning.status = Positioning.Status.SUBMITTED
    positioning.submitted_at = timezone.now()
    positioning.save(update_fields=["status", "submitted_at"])
    audit.log(by, "positioning.submitted", positioning)
    return positioning


@transaction.atomic
def review_positioning(
    positioning: Positioning,
    answers: dict[int, tuple[int, str]],
    *,
    by: User,
    source: str,
    summary: str = "",
) -> Positioning:
    """The formateur's (source staff) or the compagnon's (source mentor) assessment beside the member's own.

    The formateur's review closes the bilan; the compagnon may add theirs before or after.
    """
    positioning = _locked(positioning)
    member = positioning.member
    if source == Source.STAFF and not (is_team(by) and by.pk != member.pk):
        raise PermissionRefused(_("Seule l'équipe donne l'avis du formateur."))
    if source == Source.MENTOR and not permissions.is_mentor_of(by, member):
        raise PermissionRefused(_("Seul le compagnon de cette personne donne l'avis du compagnon."))
    if source not in (Source.STAFF, Source.MENTOR):
        raise ValueError(source)
    if positioning.status == Positioning.Status.DRAFT:
        raise InvalidTransition(_("La personne n'a pas encore envoyé son auto-évaluation."))
    if source == Source.STAFF and positioning.status == Positioning.Status.REVIEWED:
        raise InvalidTransition(_("Ce positionnement est terminé : commencez-en un nouveau pour comparer."))
    valid = set(positioning.certification.competences.values_list("pk", flat=True))
    if set(answers) != valid:
        raise InvalidTransition(_("Donnez un niveau pour chaque compétence."))
    for competence_id, (level, comment) in answers.items():
        Assessment.objects.update_or_create(
            positioning=positioning,
            competence_id=competence_id,
            source=source,
            defaults={
                "member": member,
                "level": level,
                "comment": comment,
                "assessor": by,
                "assessed_at": timezone.now(),
            },
        )
    if source == Source.STAFF:
        positioning.status = Positioning.Status.REVIEWED
        positioning.reviewed_at = timezone.now()
        positioning.reviewed_by = by
        positioning.staff_comment = summary
        positioning.save(update_fields=["status", "reviewed_at", "reviewed_by", "staff_comment"])
    audit.log(by, "positioning.reviewed", positioning, source=source)
    return positioning


# --- Reflection ---------------------------------------------------------------------------


@transaction.atomic
def save_reflection(reflection: Reflection, *, by: User) -> Reflection:
    if by.pk != reflection.member_id:
        raise PermissionRefused(_("Cette page n'appartient qu'à vous."))
    reflection.save()
    return reflection
