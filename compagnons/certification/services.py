"""The chef-d'œuvre, the jury and its decisions. Composition rules are enforced here, with clear messages:

- at least 3 members; at least half external to the association;
- never the candidate's own mentor (any mentorship, past or present) or trainer (the formateur of their cohorts);
- each member declares having no conflict of interest before evaluating.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compagnons.accounts import services as accounts_services
from compagnons.accounts.models import Role, User
from compagnons.apprenticeship import pairing
from compagnons.apprenticeship import services as path_services
from compagnons.apprenticeship.models import Enrollment, Mentorship, Stage
from compagnons.certification import issuing
from compagnons.certification.models import (
    Appeal,
    BlockDecision,
    Candidacy,
    Decision,
    Evaluation,
    JuryMember,
    JurySession,
    Masterpiece,
    Route,
)
from compagnons.certification.notifications import notify_decision
from compagnons.core import audit
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.permissions import is_team
from compagnons.credentials import services as credentials
from compagnons.credentials.models import IssuedCredential
from compagnons.missions.models import Mission
from compagnons.skills import services as skills_services
from compagnons.skills.models import Assessment, Block, Certification, Competence, Level

MIN_MEMBERS = 3


def _require_team(by: User) -> None:
    if not is_team(by):
        raise PermissionRefused(_("Seule l'équipe organise les jurys."))


# --- The chef-d'œuvre -------------------------------------------------------------------------


@transaction.atomic
def declare_masterpiece(
    candidate: User,
    *,
    certification: Certification,
    title: str,
    account: str,
    competences: Iterable[Competence],
    mission: Mission | None = None,
    route: str = Route.PATH,
) -> Masterpiece:
    if route == Route.PATH:
        enrollment = Enrollment.objects.active().filter(member=candidate).first()
        if enrollment is None or enrollment.stage != Stage.ASPIRANT:
            raise InvalidTransition(_("On présente son chef-d'œuvre une fois aspirant·e."))
    if mission is not None:
        worked = Mission.objects.filter(pk=mission.pk, status=Mission.Status.CLOSED).filter(
            Q(chosen__applicant=candidate) | Q(chosen__partner=candidate)
        )
        if not worked.exists():
            raise InvalidTransition(_("Choisissez une mission que vous avez livrée et qui est clôturée."))
    if not account.strip():
        raise InvalidTransition(_("Racontez comment vous l'avez fait et ce que cela montre."))
    competences = list(competences)
    if not competences:
        raise InvalidTransition(_("Reliez le chef-d'œuvre aux compétences qu'il montre."))
    masterpiece = Masterpiece.objects.create(
        candidate=candidate,
        certification=certification,
        route=route,
        title=title.strip(),
        account=account.strip(),
        mission=mission,
        status=Masterpiece.Status.SUBMITTED if route == Route.PATH else Masterpiece.Status.READY,
    )
    masterpiece.competences.set(competences)
    audit.log(candidate, "masterpiece.declared", masterpiece, route=route)
    return masterpiece


@transaction.atomic
def confirm_ready(masterpiece: Masterpiece, *, by: User) -> Masterpiece:
    """The mentor confirms the chef-d'œuvre is ready for a jury."""
    masterpiece = Masterpiece.objects.select_for_update(of=("self",)).get(pk=masterpiece.pk)
    if not pairing.is_mentor_of(by, masterpiece.candidate):
        raise PermissionRefused(_("Seul le compagnon de l'aspirant·e confirme que son chef-d'œuvre est prêt."))
    if masterpiece.status != Masterpiece.Status.SUBMITTED:
        raise InvalidTransition(_("Ce chef-d'œuvre n'attend pas de confirmation."))
    masterpiece.status = Masterpiece.Status.READY
    masterpiece.ready_confirmed_by = by
    masterpiece.ready_at = timezone.now()
    masterpiece.save(update_fields=["status", "ready_confirmed_by", "ready_at"])
    audit.log(by, "masterpiece.ready", masterpiece)
    return masterpiece


# --- Composition ------------------------------------------------------------------------------


def conflicts(member: User, candidate: User) -> str | None:
    """Why this person may not judge this candidate, or None."""
    if member.pk == candidate.pk:
        return _("On ne siège pas à son propre jury.")
    if Mentorship.objects.filter(mentor=member, apprentice=candidate).exists():
        return _("%(name)s est ou a été le compagnon de %(c)s : il ou elle ne peut pas siéger à son jury.") % {
            "name": member.display_name,
            "c": candidate.display_name,
        }
    if Enrollment.objects.filter(member=candidate, cohort__formateur=member).exists():
        return _("%(name)s est le formateur ou la formatrice de %(c)s : il ou elle ne peut pas siéger à son jury.") % {
            "name": member.display_name,
            "c": candidate.display_name,
        }
    return None


@transaction.atomic
def add_member(session: JurySession, user: User, *, by: User, is_external: bool, profession: str) -> JuryMember:
    _require_team(by)
    for candidacy in session.candidacies.select_related("masterpiece__candidate"):
        problem = conflicts(user, candidacy.masterpiece.candidate)
        if problem:
            raise InvalidTransition(problem)
    if not profession.strip():
        raise InvalidTransition(_("Indiquez le métier exercé par ce membre du jury."))
    try:
        with transaction.atomic():
            member = JuryMember.objects.create(
                session=session, user=user, is_external=is_external, profession=profession.strip()
            )
    except IntegrityError:
        raise InvalidTransition(_("Cette personne fait déjà partie du jury.")) from None
    audit.log(by, "jury.member_added", session, external=is_external)
    return member


@transaction.atomic
def add_candidate(session: JurySession, masterpiece: Masterpiece, *, by: User) -> Candidacy:
    _require_team(by)
    masterpiece = Masterpiece.objects.select_related("candidate").get(pk=masterpiece.pk)
    if masterpiece.status != Masterpiece.Status.READY:
        raise InvalidTransition(_("Ce chef-d'œuvre n'est pas encore prêt pour un jury."))
    for member in session.members.select_related("user"):
        problem = conflicts(member.user, masterpiece.candidate)
        if problem:
            raise InvalidTransition(problem)
    try:
        with transaction.atomic():
            candidacy = Candidacy.objects.create(session=session, masterpiece=masterpiece)
    except IntegrityError:
        raise InvalidTransition(_("Ce chef-d'œuvre est déjà présenté à ce jury.")) from None
    audit.log(by, "jury.candidate_added", session, candidacy=candidacy.pk)
    return candidacy


def composition_problems(session: JurySession) -> list[str]:
    members = list(session.members.all())
    problems = []
    if len(members) < MIN_MEMBERS:
        problems.append(_("Un jury compte au moins %(n)s membres.") % {"n": MIN_MEMBERS})
    if sum(1 for m in members if m.is_external) * 2 < len(members):
        problems.append(_("Au moins la moitié des membres doivent être extérieurs à l'association."))
    undeclared = [m for m in members if m.no_conflict_declared_at is None]
    if undeclared:
        problems.append(
            ngettext(
                "%(n)s membre n'a pas encore déclaré l'absence de conflit d'intérêts.",
                "%(n)s membres n'ont pas encore déclaré l'absence de conflit d'intérêts.",
                len(undeclared),
            )
            % {"n": len(undeclared)}
        )
    return problems


@transaction.atomic
def declare_no_conflict(member: JuryMember, *, by: User) -> JuryMember:
    if by.pk != member.user_id:
        raise PermissionRefused(_("Chacun déclare pour soi."))
    member.no_conflict_declared_at = timezone.now()
    member.save(update_fields=["no_conflict_declared_at"])
    audit.log(by, "jury.no_conflict_declared", member.session)
    return member


def seat_of(user: User, session: JurySession) -> JuryMember | None:
    return session.members.filter(user=user).first()


@transaction.atomic
def evaluate(
    candidacy: Candidacy,
    block: Block,
    *,
    by: User,
    criteria_met: list[int],
    proposes_validation: bool,
    comment: str = "",
) -> Evaluation:
    member = seat_of(by, candidacy.session)
    if member is None:
        raise PermissionRefused(_("Seuls les membres de ce jury évaluent ses candidats."))
    if member.no_conflict_declared_at is None:
        raise InvalidTransition(_("Déclarez d'abord l'absence de conflit d'intérêts."))
    if candidacy.session.status != JurySession.Status.PLANNED or hasattr(candidacy, "decision"):
        raise InvalidTransition(_("La délibération est close."))
    if block.certification_id != candidacy.masterpiece.certification_id:
        raise InvalidTransition(_("Ce bloc n'appartient pas à la certification du candidat."))
    evaluation, _created = Evaluation.objects.update_or_create(
        candidacy=candidacy,
        member=member,
        block=block,
        defaults={
            "criteria_met": sorted(set(criteria_met)),
            "proposes_validation": proposes_validation,
            "comment": comment,
        },
    )
    return evaluation


# --- Decisions --------------------------------------------------------------------------------


def validated_blocks(candidate: User) -> set[int]:
    """Blocs validated by any jury for this person: a partial validation keeps them (a withdrawn bloc no more)."""
    return set(
        BlockDecision.objects.filter(
            decision__candidate=candidate, validated=True, withdrawn_at__isnull=True
        ).values_list("block_id", flat=True)
    )


def _certify_competences(block_decision: BlockDecision, *, by: User) -> None:
    """A validated bloc: its compétences are known through the jury (skills' one door, the bloc as evidence).
    Migration 0003_jury_assessments_backfill writes the same rows for decisions made before this existed."""
    candidate = block_decision.decision.candidate
    for competence in block_decision.block.competences.all():
        skills_services.record_assessment(
            candidate, competence, Level.ACQUIRED, source=Assessment.Source.JURY, by=by, evidence=block_decision
        )


@transaction.atomic
def withdraw_block(block_decision: BlockDecision, *, by: User, reason: str) -> BlockDecision:
    """Withdraw a validated bloc (on appeal, or for an error or a fraud found later). Nothing is deleted: the bloc
    is marked withdrawn, its compétences get a later jury judgement « non acquis » (which supersedes the
    validation by skills' level rule), and its credential — and the title's, which needs every bloc — is revoked."""
    _require_team(by)
    if not reason.strip():
        raise InvalidTransition(_("Indiquez le motif du retrait du bloc."))
    block_decision = (
        BlockDecision.objects.select_for_update(of=("self",))
        .select_related("decision__candidate", "block__certification")
        .get(pk=block_decision.pk)
    )
    if not block_decision.validated:
        raise InvalidTransition(_("Seul un bloc validé peut être retiré."))
    if block_decision.withdrawn_at is not None:
        raise InvalidTransition(_("Ce bloc est déjà retiré."))
    block_decision.withdrawn_at = timezone.now()
    block_decision.withdrawn_reason = reason.strip()
    block_decision.withdrawn_by = by
    block_decision.save(update_fields=["withdrawn_at", "withdrawn_reason", "withdrawn_by"])
    decision, block = block_decision.decision, block_decision.block
    for competence in block.competences.all():
        skills_services.record_assessment(
            decision.candidate,
            competence,
            Level.NOT_ACQUIRED,
            source=Assessment.Source.JURY,
            by=by,
            comment=_("Bloc %(code)s retiré : %(reason)s") % {"code": block.code, "reason": reason.strip()},
        )
    certification = block.certification
    key = f"{certification.slug}/v{certification.version}"
    for credential in IssuedCredential.objects.filter(
        member=decision.candidate, achievement_key__in=[f"{key}/{block.code}", key], revoked_at__isnull=True
    ):
        credentials.revoke(
            credential,
            by=by,
            reason=_("Bloc %(code)s retiré : %(reason)s") % {"code": block.code, "reason": reason.strip()},
        )
    audit.log(by, "jury.block_withdrawn", decision, block=block.code)
    return block_decision


@transaction.atomic
def decide(candidacy: Candidacy, results: dict[int, tuple[bool, str]], *, by: User, reasons: str = "") -> Decision:
    """The jury's decision per bloc and overall, recorded by staff once every member has filled every grid."""
    _require_team(by)
    candidacy = (
        Candidacy.objects.select_for_update(of=("self",))
        .select_related("session", "masterpiece__candidate")
        .get(pk=candidacy.pk)
    )
    if hasattr(candidacy, "decision"):
        raise InvalidTransition(_("La décision est déjà rendue."))
    session = candidacy.session
    problems = composition_problems(session)
    if problems:
        raise InvalidTransition(" ".join(problems))
    masterpiece = candidacy.masterpiece
    candidate = masterpiece.candidate
    for member in session.members.select_related("user"):
        problem = conflicts(member.user, candidate)
        if problem:
            raise InvalidTransition(problem)
    blocks = list(masterpiece.certification.blocks.all())
    already = validated_blocks(candidate)
    to_judge = [b for b in blocks if b.pk not in already]
    if set(results) != {b.pk for b in to_judge}:
        raise InvalidTransition(_("Rendez une décision pour chaque bloc restant à valider."))
    expected = session.members.count() * len(to_judge)
    if candidacy.evaluations.filter(block__in=to_judge).count() < expected:
        raise InvalidTransition(_("Chaque membre doit d'abord remplir la grille de chaque bloc."))
    for validated, why in results.values():
        if not validated and not why.strip():
            raise InvalidTransition(_("Motivez chaque bloc non validé : le candidat doit savoir quoi travailler."))
    now_validated = already | {pk for pk, (ok, _why) in results.items() if ok}
    if len(now_validated) == len(blocks):
        outcome = Decision.Outcome.VALIDATED
    elif now_validated - already:
        outcome = Decision.Outcome.PARTIAL
    else:
        outcome = Decision.Outcome.NOT_VALIDATED
    decision = Decision.objects.create(
        candidacy=candidacy,
        candidate=candidate,
        route=masterpiece.route,
        outcome=outcome,
        reasons=reasons,
        decided_by=by,
    )
    BlockDecision.objects.bulk_create(
        BlockDecision(decision=decision, block_id=pk, validated=ok, reasons=why.strip())
        for pk, (ok, why) in results.items()
    )
    for block_decision in (
        decision.blocks.filter(validated=True).select_related("block").prefetch_related("block__competences")
    ):
        _certify_competences(block_decision, by=by)
    masterpiece.status = Masterpiece.Status.JUDGED
    masterpiece.save(update_fields=["status"])
    audit.log(by, "jury.decided", decision, outcome=outcome, route=masterpiece.route)
    if outcome == Decision.Outcome.VALIDATED:
        grounds = _("Titre validé par le jury du %(d)s") % {"d": session.date.strftime("%d/%m/%Y")}
        if masterpiece.route == Route.PATH:
            path_services.receive_as_compagnon(candidate, by=by, grounds=grounds)
        else:
            accounts_services.grant_role(candidate, Role.COMPAGNON, by=by, reason=grounds + " (VAE)")
    issuing.issue_for(decision, newly_validated=[pk for pk, (ok, _w) in results.items() if ok])
    transaction.on_commit(lambda: notify_decision.enqueue(decision.pk))
    if not session.candidacies.filter(decision__isnull=True).exists():
        session.status = JurySession.Status.DELIBERATED
        session.save(update_fields=["status"])
    return decision


@transaction.atomic
def confirm_minutes(member: JuryMember, *, by: User) -> JuryMember:
    if by.pk != member.user_id:
        raise PermissionRefused(_("Chacun confirme le procès-verbal pour soi."))
    if JurySession.objects.get(pk=member.session_id).status != JurySession.Status.DELIBERATED:
        raise InvalidTransition(_("Le procès-verbal se confirme après la délibération."))
    member.minutes_confirmed_at = timezone.now()
    member.save(update_fields=["minutes_confirmed_at"])
    audit.log(by, "jury.minutes_confirmed", member.session)
    return member


@transaction.atomic
def appeal(decision: Decision, *, by: User, reason: str) -> Appeal:
    if by.pk != decision.candidate_id:
        raise PermissionRefused(_("Seul le candidat fait appel de sa décision."))
    if timezone.now() > decision.decided_at + timedelta(days=settings.APPEAL_DAYS):
        raise InvalidTransition(_("Le délai d'appel (%(n)s jours) est passé.") % {"n": settings.APPEAL_DAYS})
    if not reason.strip():
        raise InvalidTransition(_("Expliquez votre appel."))
    try:
        with transaction.atomic():
            case = Appeal.objects.create(decision=decision, reason=reason.strip())
    except IntegrityError:
        raise InvalidTransition(_("Un appel est déjà en cours pour cette décision.")) from None
    audit.log(by, "jury.appealed", decision)
    return case


@transaction.atomic
def answer_appeal(case: Appeal, *, by: User, answer: str, withdraw: Iterable[BlockDecision] = ()) -> Appeal:
    """Staff answer the appeal; `withdraw`: validated blocs of that decision the answer withdraws (withdraw_block,
    the answer as its reason)."""
    _require_team(by)
    if not answer.strip():
        raise InvalidTransition(_("Écrivez la réponse."))
    case = Appeal.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if case.status != Appeal.Status.OPEN:
        raise InvalidTransition(_("Cet appel a déjà reçu sa réponse."))
    for block_decision in withdraw:
        if block_decision.decision_id != case.decision_id:
            raise InvalidTransition(_("Ce bloc n'appartient pas à la décision faisant l'objet de l'appel."))
        withdraw_block(block_decision, by=by, reason=answer)
    case.status = Appeal.Status.ANSWERED
    case.answer = answer.strip()
    case.handled_by = by
    case.save(update_fields=["status", "answer", "handled_by"])
    audit.log(by, "jury.appeal_answered", case.decision)
    return case
