"""Every write of the path: enrollment and stages, pairing, sessions, plan, evidence, drop-out prevention.

The reads live apart: pairing.py (suggestions, gaps, capacity, who mentors whom) and progress.py (training minutes,
plan progress, the carnet de route)."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.accounts import services as accounts_services
from compagnons.accounts.models import Role, User
from compagnons.apprenticeship.models import (
    AdoptionPiece,
    Cohort,
    DropCause,
    Enrollment,
    Evidence,
    MentoringSession,
    Mentorship,
    MentorshipRequest,
    PathProfile,
    PlanGoal,
    PlanStep,
    Stage,
    StageTransition,
)
from compagnons.apprenticeship.pairing import is_mentor_of, spare_capacity
from compagnons.apprenticeship.permissions import can_edit_plan
from compagnons.core import audit
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.permissions import is_team
from compagnons.core.uploads import check_upload
from compagnons.ledger import services as ledger_services
from compagnons.skills import results as skills_results
from compagnons.skills import services as skills_services
from compagnons.skills.models import Assessment, Competence, Level, Positioning


def _require_team(by: User, message: str | None = None) -> None:
    if not is_team(by):
        raise PermissionRefused(message or _("Seule l'équipe peut faire cela."))


def touch_activity(member: User) -> None:
    """Something happened on this member's path: resets the inactivity clock (Qualiopi 12)."""
    Enrollment.objects.active().filter(member=member).update(last_activity_at=timezone.now())


# --- Cohorts and enrollment ---------------------------------------------------------------


@transaction.atomic
def save_cohort(cohort: Cohort, *, by: User) -> Cohort:
    _require_team(by)
    created = cohort.pk is None
    cohort.save()
    audit.log(by, "cohort.created" if created else "cohort.updated", cohort)
    return cohort


@transaction.atomic
def request_enrollment(cohort: Cohort, member: User) -> Enrollment:
    if not cohort.open_for_requests:
        raise InvalidTransition(_("Cette promotion ne prend plus de demandes."))
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(cohort=cohort, member=member)
    except IntegrityError:
        raise InvalidTransition(_("Vous avez déjà demandé à rejoindre cette promotion.")) from None
    audit.log(member, "enrollment.requested", enrollment, cohort=cohort.pk)
    return enrollment


def _activate(enrollment: Enrollment, *, by: User) -> Enrollment:
    cohort = Cohort.objects.select_for_update(of=("self",)).get(pk=enrollment.cohort_id)
    if cohort.enrollments.active().count() >= cohort.capacity:
        raise InvalidTransition(_("La promotion est complète."))
    if Enrollment.objects.active().filter(member=enrollment.member_id).exclude(pk=enrollment.pk).exists():
        raise InvalidTransition(_("Cette personne suit déjà une autre promotion."))
    enrollment.status = Enrollment.Status.ACTIVE
    enrollment.enrolled_at = enrollment.last_activity_at = timezone.now()
    enrollment.save(update_fields=["status", "enrolled_at", "last_activity_at"])
    if not enrollment.member.has_role(Role.APPRENTICE) and enrollment.stage != Stage.COMPAGNON:
        accounts_services.grant_role(enrollment.member, Role.APPRENTICE, by=by)
    audit.log(by, "enrollment.activated", enrollment, cohort=cohort.pk)
    return enrollment


@transaction.atomic
def enroll(cohort: Cohort, member: User, *, by: User) -> Enrollment:
    _require_team(by)
    enrollment, _created = Enrollment.objects.get_or_create(cohort=cohort, member=member)
    if enrollment.status == Enrollment.Status.ACTIVE:
        return enrollment
    if enrollment.status != Enrollment.Status.REQUESTED:
        raise InvalidTransition(_("Cette inscription est close."))
    return _activate(enrollment, by=by)


@transaction.atomic
def accept_enrollment(enrollment: Enrollment, *, by: User) -> Enrollment:
    _require_team(by)
    enrollment = Enrollment.objects.select_for_update(of=("self",)).get(pk=enrollment.pk)
    if enrollment.status != Enrollment.Status.REQUESTED:
        raise InvalidTransition(_("Cette demande a déjà été traitée."))
    return _activate(enrollment, by=by)


@transaction.atomic
def drop_out(enrollment: Enrollment, *, by: User, reason: str, cause: str = DropCause.OTHER) -> Enrollment:
    _require_team(by)
    enrollment = Enrollment.objects.select_for_update(of=("self",)).get(pk=enrollment.pk)
    if not reason.strip():
        raise InvalidTransition(_("Indiquez le motif de l'abandon."))
    if cause not in DropCause.values:
        raise InvalidTransition(_("Choisissez la cause de l'abandon dans la liste."))
    if enrollment.status != Enrollment.Status.ACTIVE:
        raise InvalidTransition(_("Seul un parcours en cours peut être abandonné."))
    enrollment.status = Enrollment.Status.DROPPED_OUT
    enrollment.drop_reason = reason.strip()
    enrollment.drop_cause = cause
    enrollment.ended_at = timezone.now()
    enrollment.save(update_fields=["status", "drop_reason", "drop_cause", "ended_at"])
    audit.log(by, "enrollment.dropped_out", enrollment)
    return enrollment


@transaction.atomic
def complete_path(enrollment: Enrollment, *, by: User) -> Enrollment:
    _require_team(by)
    enrollment = Enrollment.objects.select_for_update(of=("self",)).get(pk=enrollment.pk)
    if enrollment.status != Enrollment.Status.ACTIVE:
        raise InvalidTransition(_("Seul un parcours en cours peut être terminé."))
    enrollment.status = Enrollment.Status.COMPLETED
    enrollment.ended_at = timezone.now()
    enrollment.save(update_fields=["status", "ended_at"])
    audit.log(by, "enrollment.completed", enrollment)
    return enrollment


# --- Stages: apprenti → aspirant → compagnon -------------------------------------------------

TRANSITIONS = {Stage.APPRENTICE: Stage.ASPIRANT, Stage.ASPIRANT: Stage.COMPAGNON}


def _move(enrollment: Enrollment, to_stage: str, *, by: User, grounds: str) -> Enrollment:
    if TRANSITIONS.get(enrollment.stage) != to_stage:
        raise InvalidTransition(
            _("On ne passe pas de « %(from)s » à « %(to)s ».")
            % {"from": Stage(enrollment.stage).label, "to": Stage(to_stage).label}
        )
    if enrollment.status != Enrollment.Status.ACTIVE:
        raise InvalidTransition(_("Le parcours n'est pas en cours."))
    StageTransition.objects.create(
        enrollment=enrollment, from_stage=enrollment.stage, to_stage=to_stage, by=by, grounds=grounds
    )
    enrollment.stage = to_stage
    enrollment.stage_changed_at = enrollment.last_activity_at = timezone.now()
    enrollment.save(update_fields=["stage", "stage_changed_at", "last_activity_at"])
    audit.log(by, "enrollment.stage_changed", enrollment, stage=to_stage)
    return enrollment


def _active_enrollment_of(member: User) -> Enrollment:
    enrollment = Enrollment.objects.select_for_update(of=("self",)).active().filter(member=member).first()
    if enrollment is None:
        raise InvalidTransition(_("Cette personne ne suit aucune promotion en ce moment."))
    return enrollment


@transaction.atomic
def record_adoption_piece(
    apprentice: User, *, by: User, description: str, evidence: Evidence | None = None
) -> AdoptionPiece:
    """Staff record it and the apprentice becomes aspirant; the mentor records it and staff confirm it."""
    enrollment = _active_enrollment_of(apprentice)
    by_team = is_team(by)
    if not (by_team or is_mentor_of(by, apprentice)):
        raise PermissionRefused(_("Seuls l'équipe et le compagnon de l'apprenti enregistrent le travail d'adoption."))
    if enrollment.stage != Stage.APPRENTICE:
        raise InvalidTransition(_("Cette personne n'est plus apprentie."))
    if not description.strip():
        raise InvalidTransition(_("Décrivez le travail et pourquoi il est jugé bon."))
    if AdoptionPiece.objects.filter(enrollment=enrollment).exists():
        raise InvalidTransition(_("Un travail d'adoption est déjà enregistré ; l'équipe doit le confirmer."))
    piece = AdoptionPiece.objects.create(
        enrollment=enrollment, description=description.strip(), evidence=evidence, recorded_by=by
    )
    audit.log(by, "adoption.recorded", enrollment)
    if by_team:
        _confirm_piece(piece, by=by)
    return piece


def _confirm_piece(piece: AdoptionPiece, *, by: User) -> None:
    piece.confirmed_by = by
    piece.confirmed_at = timezone.now()
    piece.save(update_fields=["confirmed_by", "confirmed_at"])
    _move(piece.enrollment, Stage.ASPIRANT, by=by, grounds=_("Travail d'adoption : %(d)s") % {"d": piece.description})


@transaction.atomic
def confirm_adoption_piece(piece: AdoptionPiece, *, by: User) -> AdoptionPiece:
    _require_team(by, _("Seule l'équipe confirme le travail d'adoption."))
    piece = AdoptionPiece.objects.select_for_update(of=("self",)).select_related("enrollment").get(pk=piece.pk)
    if piece.confirmed_at:
        raise InvalidTransition(_("Ce travail d'adoption est déjà confirmé."))
    _confirm_piece(piece, by=by)
    return piece


@transaction.atomic
def receive_as_compagnon(apprentice: User, *, by: User, grounds: str) -> Enrollment:
    """Aspirant → compagnon: the jury's decision (called by the certification app). Grants the role."""
    _require_team(by, _("Seul le jury, par l'équipe qui l'organise, reçoit un compagnon."))
    enrollment = _active_enrollment_of(apprentice)
    _move(enrollment, Stage.COMPAGNON, by=by, grounds=grounds)
    enrollment.status = Enrollment.Status.CERTIFIED
    enrollment.ended_at = timezone.now()
    enrollment.save(update_fields=["status", "ended_at"])
    accounts_services.grant_role(apprentice, Role.COMPAGNON, by=by, reason=grounds)
    accounts_services.revoke_role(apprentice, Role.APPRENTICE, by=by)
    # The accompanied path is accomplished: the mentor no longer lists them among their apprentices (la chaîne keeps
    # who trained whom, from ended mentorships too).
    mentorship = Mentorship.objects.active().filter(apprentice=apprentice).first()
    if mentorship is not None:
        end_mentorship(mentorship, by=by, reason=_("Reçu·e compagnon : le parcours accompagné est accompli."))
    return enrollment


# --- Pairing (its reads are in pairing.py) -------------------------------------------------


def profile_of(member: User) -> PathProfile:
    profile, _created = PathProfile.objects.get_or_create(member=member)
    return profile


@transaction.atomic
def request_mentor(apprentice: User, compagnon: User, *, by: User, message: str = "") -> MentorshipRequest:
    if by.pk != apprentice.pk and not is_team(by):
        raise PermissionRefused(_("Seul l'apprenti, ou l'équipe, demande un compagnon."))
    if not apprentice.is_apprentice:
        raise InvalidTransition(_("Seul un apprenti demande un compagnon."))
    if not compagnon.is_compagnon or compagnon.pk == apprentice.pk:
        raise InvalidTransition(_("Cette personne n'est pas compagnon."))
    if is_mentor_of(compagnon, apprentice):
        raise InvalidTransition(_("Ce compagnon vous accompagne déjà."))
    if spare_capacity(compagnon) <= 0:
        raise InvalidTransition(_("Ce compagnon n'a plus de place pour un nouvel apprenti."))
    try:
        with transaction.atomic():
            request = MentorshipRequest.objects.create(
                apprentice=apprentice, compagnon=compagnon, requested_by=by, message=message.strip()
            )
    except IntegrityError:
        raise InvalidTransition(_("Une demande à ce compagnon attend déjà sa réponse.")) from None
    audit.log(by, "mentorship.requested", request, compagnon=compagnon.pk)
    touch_activity(apprentice)
    return request


@transaction.atomic
def answer_request(request: MentorshipRequest, *, by: User, accept: bool, answer: str = "") -> MentorshipRequest:
    request = MentorshipRequest.objects.select_for_update(of=("self",)).select_related("apprentice").get(pk=request.pk)
    if by.pk != request.compagnon_id:
        raise PermissionRefused(_("Seul le compagnon sollicité répond à cette demande."))
    if request.status != MentorshipRequest.Status.PENDING:
        raise InvalidTransition(_("Cette demande a déjà reçu une réponse."))
    User.objects.select_for_update(of=("self",)).filter(pk=by.pk).first()  # serialise this compagnon's acceptances
    if accept and spare_capacity(by) <= 0:
        raise InvalidTransition(_("Vous n'avez plus de place : augmentez votre capacité ou déclinez."))
    if not accept and not answer.strip():
        raise InvalidTransition(_("Dites en quelques mots pourquoi vous déclinez : cela aide l'apprenti."))
    request.status = MentorshipRequest.Status.ACCEPTED if accept else MentorshipRequest.Status.DECLINED
    request.answer = answer.strip()
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "answer", "answered_at"])
    audit.log(by, "mentorship.request_answered", request, accepted=accept)
    if accept:
        _start_mentorship(request.apprentice, by, by=by)
    return request


def _start_mentorship(apprentice: User, mentor: User, *, by: User, reason: str = "") -> Mentorship:
    current = Mentorship.objects.select_for_update(of=("self",)).active().filter(apprentice=apprentice).first()
    if current and current.mentor_id == mentor.pk:
        return current
    if current:
        end_mentorship(current, by=by, reason=reason or _("Changement de compagnon"))
    try:
        with transaction.atomic():
            mentorship = Mentorship.objects.create(apprentice=apprentice, mentor=mentor, assigned_by=by)
    except IntegrityError:
        raise InvalidTransition(_("Cet apprenti a déjà un compagnon.")) from None
    audit.log(by, "mentorship.started", mentorship, apprentice=apprentice.pk, mentor=mentor.pk)
    touch_activity(apprentice)
    return mentorship


@transaction.atomic
def assign_mentor(apprentice: User, mentor: User, *, by: User, reason: str = "") -> Mentorship:
    """Staff pair an apprentice with a compagnon; a previous mentorship ends with a reason."""
    _require_team(by, _("Seule l'équipe attribue un compagnon."))
    if not mentor.is_compagnon:
        raise InvalidTransition(_("Seul un compagnon peut accompagner un apprenti."))
    if mentor.pk == apprentice.pk:
        raise InvalidTransition(_("On ne s'accompagne pas soi-même."))
    return _start_mentorship(apprentice, mentor, by=by, reason=reason)


@transaction.atomic
def end_mentorship(mentorship: Mentorship, *, by: User, reason: str) -> Mentorship:
    if not reason.strip():
        raise InvalidTransition(_("Indiquez pourquoi l'accompagnement se termine."))
    if by.pk not in (mentorship.mentor_id, mentorship.apprentice_id) and not is_team(by):
        raise PermissionRefused(_("Vous ne faites pas partie de cet accompagnement."))
    mentorship.ended_at = timezone.now()
    mentorship.end_reason = reason.strip()
    mentorship.save(update_fields=["ended_at", "end_reason"])
    audit.log(by, "mentorship.ended", mentorship)
    return mentorship


# --- Mentoring sessions: attendance signed by both ----------------------------------------


@transaction.atomic
def log_session(
    mentorship: Mentorship,
    *,
    by: User,
    on: date,
    duration_minutes: int,
    mode: str,
    competences=(),
    notes: str = "",
    next_steps: str = "",
    next_session_on: date | None = None,
    ip: str | None = None,
) -> MentoringSession:
    if by.pk != mentorship.mentor_id:
        raise PermissionRefused(_("Seul le compagnon de cet accompagnement note une séance."))
    if mentorship.ended_at is not None:
        raise InvalidTransition(_("Cet accompagnement est terminé."))
    if on > timezone.localdate():
        raise InvalidTransition(_("Une séance se note après avoir eu lieu, pas à l'avance."))
    if on < mentorship.started_at.date() - timedelta(days=1):
        raise InvalidTransition(_("Cette date précède le début de l'accompagnement."))
    if not 0 < duration_minutes <= 600:
        raise InvalidTransition(_("Une séance dure entre 1 minute et 10 heures."))
    try:
        with transaction.atomic():
            session = MentoringSession.objects.create(
                mentorship=mentorship,
                apprentice_id=mentorship.apprentice_id,
                mentor_id=mentorship.mentor_id,
                date=on,
                duration_minutes=duration_minutes,
                mode=mode,
                notes=notes,
                next_steps=next_steps,
                next_session_on=next_session_on,
                logged_ip=ip,
            )
    except IntegrityError:
        raise InvalidTransition(_("Une séance est déjà notée ce jour-là pour ce binôme.")) from None
    session.competences.set(competences)
    audit.log(by, "session.logged", session, minutes=duration_minutes)
    touch_activity(mentorship.apprentice)
    return session


@transaction.atomic
def confirm_session(session: MentoringSession, *, by: User, ip: str | None = None) -> MentoringSession:
    """The apprentice signs: the session becomes attendance evidence signed by both."""
    session = MentoringSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
    if by.pk != session.apprentice_id:
        raise PermissionRefused(_("Seul l'apprenti confirme une séance."))
    if session.status == MentoringSession.Status.CONFIRMED:
        return session
    session.status = MentoringSession.Status.CONFIRMED
    session.confirmed_at = timezone.now()
    session.confirmed_ip = ip
    session.save(update_fields=["status", "confirmed_at", "confirmed_ip"])
    audit.log(by, "session.confirmed", session)
    touch_activity(by)
    # The one call site where the mentor's contribution is credited.
    ledger_services.credit_mentoring_session(
        session, mentor=session.mentor, apprentice=session.apprentice, minutes=session.duration_minutes
    )
    return session


@transaction.atomic
def dispute_session(session: MentoringSession, *, by: User, comment: str) -> MentoringSession:
    session = MentoringSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
    if by.pk != session.apprentice_id:
        raise PermissionRefused(_("Seul l'apprenti conteste une séance."))
    if session.status != MentoringSession.Status.PENDING:
        raise InvalidTransition(_("Seule une séance à confirmer peut être contestée."))
    if not comment.strip():
        raise InvalidTransition(_("Dites ce qui ne va pas dans cette séance."))
    session.status = MentoringSession.Status.DISPUTED
    session.dispute_comment = comment.strip()
    session.save(update_fields=["status", "dispute_comment"])
    audit.log(by, "session.disputed", session)
    return session


# --- Plan ---------------------------------------------------------------------------------


@transaction.atomic
def add_goal(apprentice: User, competence: Competence, *, by: User, target_date: date | None = None) -> PlanGoal:
    if not can_edit_plan(by, apprentice):
        raise PermissionRefused(_("Seuls l'apprenti, son compagnon et l'équipe modifient ce plan."))
    goal, created = PlanGoal.objects.get_or_create(
        apprentice=apprentice, competence=competence, defaults={"target_date": target_date, "created_by": by}
    )
    if not created:
        raise InvalidTransition(_("Cette compétence est déjà un objectif du plan."))
    audit.log(by, "plan.goal_added", apprentice, competence=competence.code)
    touch_activity(apprentice)
    return goal


@transaction.atomic
def goals_from_positioning(apprentice: User, *, by: User) -> list[PlanGoal]:
    """Turn the latest bilan's suggested first goals into plan goals (those not in the plan yet)."""
    if not can_edit_plan(by, apprentice):
        raise PermissionRefused(_("Seuls l'apprenti, son compagnon et l'équipe modifient ce plan."))
    positioning = Positioning.objects.filter(member=apprentice).exclude(status=Positioning.Status.DRAFT).first()
    if positioning is None:
        raise InvalidTransition(_("Le plan part du positionnement : il faut d'abord l'envoyer."))
    existing = set(PlanGoal.objects.filter(apprentice=apprentice).values_list("competence_id", flat=True))
    target = timezone.localdate() + timedelta(days=60)
    created = [
        PlanGoal.objects.create(apprentice=apprentice, competence=row["competence"], target_date=target, created_by=by)
        for row in skills_results.positioning_result(positioning)["goals"]
        if row["competence"].pk not in existing
    ]
    audit.log(by, "plan.goals_from_positioning", apprentice, count=len(created))
    touch_activity(apprentice)
    return created


@transaction.atomic
def add_step(goal: PlanGoal, label: str, *, by: User) -> PlanStep:
    if not can_edit_plan(by, goal.apprentice):
        raise PermissionRefused(_("Seuls l'apprenti, son compagnon et l'équipe modifient ce plan."))
    if not label.strip():
        raise InvalidTransition(_("Décrivez l'étape."))
    step = PlanStep.objects.create(goal=goal, label=label.strip())
    touch_activity(goal.apprentice)
    return step


@transaction.atomic
def set_step_done(step: PlanStep, *, by: User, done: bool) -> PlanStep:
    if not can_edit_plan(by, step.goal.apprentice):
        raise PermissionRefused(_("Seuls l'apprenti, son compagnon et l'équipe modifient ce plan."))
    step.done = done
    step.done_at = timezone.now() if done else None
    step.save(update_fields=["done", "done_at"])
    touch_activity(step.goal.apprentice)
    return step


# --- Evidence and the carnet de route -----------------------------------------------------


@transaction.atomic
def add_evidence(
    apprentice: User,
    *,
    by: User,
    title: str,
    kind: str,
    competences,
    upload=None,
    content_type: str = "",
    link: str = "",
    text: str = "",
) -> Evidence:
    if by.pk != apprentice.pk:
        raise PermissionRefused(_("Seul l'apprenti dépose ses preuves."))
    competences = list(competences)
    if not competences:
        raise InvalidTransition(_("Reliez la preuve à au moins une compétence."))
    evidence = Evidence(apprentice=apprentice, title=title.strip(), kind=kind, link=link, text=text)
    if kind == Evidence.Kind.FILE:
        if upload is None:
            raise InvalidTransition(_("Joignez le fichier."))
        try:
            evidence.content_type = check_upload(upload)
        except ValidationError as error:
            raise InvalidTransition(" ".join(error.messages)) from None
        evidence.file_name = upload.name[-200:]
        evidence.file.save(upload.name, upload, save=False)
    elif kind == Evidence.Kind.LINK and not link:
        raise InvalidTransition(_("Indiquez le lien."))
    elif kind == Evidence.Kind.TEXT and not text.strip():
        raise InvalidTransition(_("Écrivez le texte."))
    evidence.save()
    evidence.competences.set(competences)
    audit.log(by, "evidence.added", evidence, kind=kind)
    touch_activity(apprentice)
    return evidence


@transaction.atomic
def review_evidence(
    evidence: Evidence, *, by: User, validate: bool, comment: str = "", level: int = Level.ACQUIRED
) -> Evidence:
    """The mentor validates (each linked compétence gets an assessment from this evidence) or asks for changes."""
    evidence = Evidence.objects.select_for_update(of=("self",)).select_related("apprentice").get(pk=evidence.pk)
    if not is_mentor_of(by, evidence.apprentice):
        raise PermissionRefused(_("Seul le compagnon de l'apprenti examine ses preuves."))
    if evidence.status == Evidence.Status.VALIDATED:
        raise InvalidTransition(_("Cette preuve est déjà validée."))
    if not validate and not comment.strip():
        raise InvalidTransition(_("Dites ce qu'il faut changer."))
    evidence.status = Evidence.Status.VALIDATED if validate else Evidence.Status.CHANGES_REQUESTED
    evidence.reviewer = by
    evidence.reviewed_at = timezone.now()
    evidence.review_comment = comment.strip()
    evidence.save(update_fields=["status", "reviewer", "reviewed_at", "review_comment"])
    if validate:
        for competence in evidence.competences.all():
            skills_services.record_assessment(
                evidence.apprentice,
                competence,
                level,
                source=Assessment.Source.EVIDENCE,
                by=by,
                comment=comment.strip(),
                evidence=evidence,
            )
    audit.log(by, "evidence.reviewed", evidence, validated=validate)
    touch_activity(evidence.apprentice)
    return evidence


@transaction.atomic
def resubmit_evidence(evidence: Evidence, *, by: User) -> Evidence:
    evidence = Evidence.objects.select_for_update(of=("self",)).get(pk=evidence.pk)
    if by.pk != evidence.apprentice_id:
        raise PermissionRefused(_("Seul l'apprenti redépose sa preuve."))
    if evidence.status != Evidence.Status.CHANGES_REQUESTED:
        raise InvalidTransition(_("Seule une preuve à modifier se redépose."))
    evidence.status = Evidence.Status.SUBMITTED
    evidence.save(update_fields=["status"])
    audit.log(by, "evidence.resubmitted", evidence)
    return evidence


# --- Drop-out prevention (Qualiopi 12) ----------------------------------------------------


def inactivity_cutoff():
    return timezone.now() - timedelta(days=settings.INACTIVITY_ALERT_DAYS)


def flag_reminders_due() -> list[int]:
    """Mark, under a row lock, the inactive enrollments not yet reminded for this lapse; return their ids.

    A lapse is identified by the date of the last activity: one reminder per lapse, never two.
    """
    due = []
    with transaction.atomic():
        candidates = (
            Enrollment.objects.inactive_since(inactivity_cutoff())
            .filter(Q(reminded_for_activity_at__isnull=True) | ~Q(reminded_for_activity_at=F("last_activity_at")))
            .select_for_update(skip_locked=True)
        )
        for enrollment in candidates:
            enrollment.reminded_for_activity_at = enrollment.last_activity_at
            enrollment.save(update_fields=["reminded_for_activity_at"])
            due.append(enrollment.pk)
    return due
