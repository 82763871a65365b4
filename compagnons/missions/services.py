"""Every write of the mission bank. Transitions are explicit, guarded and audit-logged; which status may become
which is declared once, in `states.py`, and every change goes through `_move`.

brouillon → à qualifier → publiée → attribuée → en cours → livrée → clôturée, plus annulée and expirée.
Reads live apart: the facts-only record in `records.py`, matching in `matching.py`; e-mails in `notifications.py`.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from compagnons.accounts.models import User
from compagnons.apprenticeship import services as path_services
from compagnons.apprenticeship.models import Mentorship
from compagnons.apprenticeship.pairing import is_mentor_of
from compagnons.core import audit
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.money import euros
from compagnons.core.permissions import is_team
from compagnons.credentials import services as credentials
from compagnons.credentials.models import IssuedCredential
from compagnons.ledger import balances as ledger_balances
from compagnons.ledger import services as ledger_services
from compagnons.missions import invitations, states
from compagnons.missions.matching import best_matches
from compagnons.missions.models import (
    Announcement,
    Application,
    Attestation,
    ClientFacts,
    Delivery,
    Dispute,
    Lead,
    Message,
    Mission,
    SiteTradeOrder,
    Testimonial,
    WorkerProfile,
)
from compagnons.missions.notifications import tell_not_chosen
from compagnons.skills import services as skills_services
from compagnons.skills.models import Assessment, Competence, Level

S = Mission.Status
A = Application.Status


def minimum_budget_cents(hours: int) -> int:
    return settings.MISSION_HOURLY_FLOOR_CENTS * hours


def fairness_problem(budget_cents: int, hours: int) -> str | None:
    """None when the effective hourly rate reaches the floor; else the explanation with the minimum budget."""
    if hours <= 0 or budget_cents <= 0:
        return _("Indiquez un budget et un effort estimé.")
    if budget_cents < minimum_budget_cents(hours):
        return ngettext(
            "Le taux horaire effectif (%(rate)s de l'heure) est sous le plancher de %(floor)s de l'heure : "
            "c'est ce qu'il faut à un indépendant pour gagner environ le SMIC une fois ses charges et son temps "
            "non facturé payés. Pour %(hours)s heure, le budget minimum est de %(minimum)s.",
            "Le taux horaire effectif (%(rate)s de l'heure) est sous le plancher de %(floor)s de l'heure : "
            "c'est ce qu'il faut à un indépendant pour gagner environ le SMIC une fois ses charges et son temps "
            "non facturé payés. Pour %(hours)s heures, le budget minimum est de %(minimum)s.",
            hours,
        ) % {
            "rate": euros(budget_cents // hours),
            "floor": euros(settings.MISSION_HOURLY_FLOOR_CENTS),
            "hours": hours,
            "minimum": euros(minimum_budget_cents(hours)),
        }
    return None


def _locked(mission: Mission) -> Mission:
    return Mission.objects.select_for_update(of=("self",)).get(pk=mission.pk)


def _move(obj: Mission | Application, to: str, *, by: User | None, refusal: str = "", log: bool = True, **data):
    """Change `obj`'s status to `to` if `states` allows it (else refuse, with `refusal` or the table's message),
    save it with `fields`, and audit it as `mission.<to>` / `application.<to>` with `data` (unless `log` is off)."""
    if not states.allows(obj, to):
        raise InvalidTransition(refusal or states.refusal(obj, to))
    obj.status = to
    obj.save(update_fields=["status", *data.pop("fields", [])])
    if log:
        audit.log(by, f"{obj._meta.model_name}.{to}", obj, **data)
    return obj


def _move_all(applications, to: str) -> int:
    """The same change for many applications at once: only the rows whose status the table lets become `to`."""
    return applications.filter(status__in=states.sources(Application, to)).update(status=to)


def _require_client(mission: Mission, by: User) -> None:
    if by.pk != mission.client_id:
        raise PermissionRefused(_("Seul le donneur d'ordre de cette mission peut faire cela."))


def _require_staff(by: User) -> None:
    if not is_team(by):
        raise PermissionRefused(_("Seule l'équipe peut faire cela."))


# --- Posting and qualification --------------------------------------------------------------


@transaction.atomic
def submit(mission: Mission, *, by: User) -> Mission:
    mission = _locked(mission)
    _require_client(mission, by)
    problem = fairness_problem(mission.budget_cents, mission.estimated_hours)
    if problem:
        raise InvalidTransition(problem)
    mission.submitted_at = timezone.now()
    return _move(mission, S.SUBMITTED, by=by, fields=["submitted_at"])


QUALIFICATION_CHECKLIST = {
    "clear_deliverables": _("Les livrables sont clairs"),
    "fair_budget": _("Le budget est juste pour l'effort"),
    "competences_set": _("Les compétences attendues sont indiquées"),
    "no_abusive_terms": _("Aucune clause abusive (propriété, délais, pénalités)"),
}


@transaction.atomic
def publish(mission: Mission, *, by: User, checklist: dict[str, bool], comment: str = "") -> Mission:
    _require_staff(by)
    mission = _locked(mission)
    missing = [str(label) for key, label in QUALIFICATION_CHECKLIST.items() if not checklist.get(key)]
    if missing:
        raise InvalidTransition(_("Avant de publier, vérifiez : %(items)s.") % {"items": " ; ".join(missing)})
    problem = fairness_problem(mission.budget_cents, mission.estimated_hours)
    if problem:
        raise InvalidTransition(problem)
    if not mission.competences.exists():
        raise InvalidTransition(_("Indiquez au moins une compétence attendue."))
    mission.published_at = timezone.now()
    mission.qualified_by = by
    mission.qualification_comment = comment
    _move(mission, S.PUBLISHED, by=by, fields=["published_at", "qualified_by", "qualification_comment"])
    if mission.invited_id and not invitations.deliver(mission, by=by):
        # Proposed from a page that is no longer published, or an account closed since: published without it.
        audit.log(by, "mission.invitation_not_sent", mission, member=mission.invited_id)
    if mission.lead_id:
        # The one call site where a lead's author is credited, once.
        audit.log(by, "lead.published", mission.lead, mission=mission.pk)
        ledger_services.credit_lead(mission.lead, author=mission.lead.author)
    return mission


@transaction.atomic
def send_back(mission: Mission, *, by: User, comment: str) -> Mission:
    _require_staff(by)
    if not comment.strip():
        raise InvalidTransition(_("Dites au donneur d'ordre ce qu'il faut revoir."))
    mission = _locked(mission)
    mission.qualification_comment = comment.strip()
    return _move(mission, S.DRAFT, by=by, fields=["qualification_comment"])


@transaction.atomic
def cancel(mission: Mission, *, by: User) -> Mission:
    mission = _locked(mission)
    if by.pk != mission.client_id and not is_team(by):
        raise PermissionRefused(_("Seuls le donneur d'ordre et l'équipe annulent une mission."))
    if mission.status not in states.CANCELLABLE_BY_PARTIES:
        raise InvalidTransition(states.refusal(mission, S.CANCELLED))
    return _call_off(mission, by=by)


def _call_off(mission: Mission, *, by: User, **audit_data) -> Mission:
    """Cancel: the open applications close, and once a member was chosen what winning it asked in return is given
    back (by the client or staff before the work starts, or by a mediation's decision)."""
    mission = _move(mission, S.CANCELLED, by=by, **audit_data)
    if mission.chosen_id:
        ledger_services.cancel_mission_debit(mission, member=mission.chosen.applicant)
    _move_all(mission.applications.all(), A.NOT_CHOSEN)
    return mission


def expire_missions(today=None) -> int:
    """Published missions whose deadline passed with no application expire. Idempotent."""
    today = today or timezone.localdate()
    expired = 0
    candidates = (
        Mission.objects.published()
        .filter(deadline__lt=today)
        .annotate(n=Count("applications"))
        .filter(n=0)
        .values_list("pk", flat=True)
    )
    for pk in candidates:
        with transaction.atomic():
            mission = Mission.objects.select_for_update(of=("self",)).get(pk=pk)
            if mission.status == S.PUBLISHED and not mission.applications.exists():
                _move(mission, S.EXPIRED, by=None)
                expired += 1
    return expired


# --- Leads ----------------------------------------------------------------------------------


@transaction.atomic
def submit_lead(author: User, *, contact: str, need: str, budget_hint: str = "", client_consents: bool) -> Lead:
    if not client_consents:
        raise InvalidTransition(_("Demandez d'abord au client s'il est d'accord pour que l'équipe le contacte."))
    lead = Lead.objects.create(
        author=author, contact=contact.strip(), need=need.strip(), budget_hint=budget_hint, client_consents=True
    )
    audit.log(author, "lead.submitted", lead)
    return lead


@transaction.atomic
def convert_lead(lead: Lead, mission: Mission, *, by: User) -> Mission:
    """Staff turn a lead into a mission (the client's account posts it); its author is credited on publication."""
    _require_staff(by)
    lead = Lead.objects.select_for_update(of=("self",)).get(pk=lead.pk)
    if lead.status != Lead.Status.NEW:
        raise InvalidTransition(_("Cette piste a déjà été traitée."))
    mission.lead = lead
    mission.save(update_fields=["lead"])
    lead.status = Lead.Status.CONVERTED
    lead.save(update_fields=["status"])
    audit.log(by, "lead.converted", lead, mission=mission.pk)
    return mission


# --- Applying -------------------------------------------------------------------------------


def open_applications(member: User) -> int:
    return Application.objects.filter(applicant=member, status__in=Application.OPEN).count()


def _check_cap(member: User) -> None:
    if open_applications(member) >= settings.MAX_OPEN_APPLICATIONS:
        raise InvalidTransition(
            _(
                "Vous avez déjà %(n)s candidatures en cours : c'est le maximum, pour que la banque reste juste "
                "envers les donneurs d'ordre et les autres membres. Retirez-en une ou attendez une réponse."
            )
            % {"n": settings.MAX_OPEN_APPLICATIONS}
        )


@transaction.atomic
def apply(
    mission: Mission, applicant: User, *, message: str, partner: User | None = None, request_review: bool = False
) -> Application:
    mission = _locked(mission)
    if mission.status != S.PUBLISHED or mission.deadline < timezone.localdate():
        raise InvalidTransition(_("Cette mission ne prend plus de candidatures."))
    if applicant.pk == mission.client_id:
        raise InvalidTransition(_("On ne candidate pas à sa propre mission."))
    if not (applicant.is_apprentice or applicant.is_compagnon):
        raise PermissionRefused(_("Les candidatures sont ouvertes aux apprentis et aux compagnons."))
    if not message.strip():
        raise InvalidTransition(_("Écrivez quelques mots : votre approche, vos disponibilités, vos questions."))
    if partner is not None and not is_mentor_of(applicant, partner):
        raise InvalidTransition(_("Un binôme réunit un compagnon et l'apprenti qu'il accompagne."))
    if partner is None and _works_under_compagnon(applicant):
        raise InvalidTransition(str(UNDER_COMPAGNON_ALONE))
    if request_review and not Mentorship.objects.active().filter(apprentice=applicant).exists():
        raise InvalidTransition(_("Pour une relecture, il faut un compagnon qui vous accompagne."))
    if not request_review:
        User.objects.select_for_update(of=("self",)).filter(
            pk=applicant.pk
        ).first()  # serialise this member's applications
        _check_cap(applicant)
    pause = ledger_balances.application_pause_reason(applicant)
    if pause:
        raise InvalidTransition(pause)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                mission=mission,
                applicant=applicant,
                partner=partner,
                message=message.strip(),
                status=Application.Status.DRAFT if request_review else Application.Status.SENT,
                review_requested=request_review,
                sent_at=None if request_review else timezone.now(),
            )
    except IntegrityError:
        raise InvalidTransition(_("Vous avez déjà candidaté à cette mission.")) from None
    audit.log(applicant, "application.created", application, binome=partner is not None, review=request_review)
    return application


@transaction.atomic
def review_application(application: Application, *, by: User, comment: str) -> Application:
    """The mentor's reading of an apprentice's application before it goes out."""
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if not is_mentor_of(by, application.applicant):
        raise PermissionRefused(_("Seul le compagnon de l'apprenti relit sa candidature."))
    if application.status != Application.Status.DRAFT:
        raise InvalidTransition(_("Cette candidature est déjà partie."))
    if not comment.strip():
        raise InvalidTransition(_("Écrivez votre commentaire."))
    application.mentor_comment = comment.strip()
    application.save(update_fields=["mentor_comment"])
    audit.log(by, "application.reviewed", application)
    # The reading counts as a contribution.
    ledger_services.credit_review(application, reviewer=by, reviewed=application.applicant)
    return application


@transaction.atomic
def send_application(application: Application, *, by: User, message: str | None = None) -> Application:
    application = Application.objects.select_for_update(of=("self",)).select_related("mission").get(pk=application.pk)
    if by.pk != application.applicant_id:
        raise PermissionRefused(_("Seul l'auteur envoie sa candidature."))
    if not states.allows(application, A.SENT):
        raise InvalidTransition(_("Cette candidature est déjà partie."))
    if application.mission.status != S.PUBLISHED:
        raise InvalidTransition(_("Cette mission ne prend plus de candidatures."))
    if application.partner_id is None and _works_under_compagnon(by):
        raise InvalidTransition(str(UNDER_COMPAGNON_ALONE))
    User.objects.select_for_update(of=("self",)).filter(pk=by.pk).first()
    _check_cap(by)
    if message is not None and message.strip():
        application.message = message.strip()
    application.sent_at = timezone.now()
    return _move(application, A.SENT, by=by, fields=["message", "sent_at"])


@transaction.atomic
def withdraw(application: Application, *, by: User) -> Application:
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if by.pk != application.applicant_id:
        raise PermissionRefused(_("Seul l'auteur retire sa candidature."))
    return _move(application, A.WITHDRAWN, by=by, refusal=_("Cette candidature ne peut plus être retirée."))


@transaction.atomic
def shortlist(application: Application, *, by: User) -> Application:
    application = Application.objects.select_for_update(of=("self",)).select_related("mission").get(pk=application.pk)
    _require_client(application.mission, by)
    return _move(application, A.SHORTLISTED, by=by, refusal=_("Seule une candidature reçue peut être présélectionnée."))


def _works_under_compagnon(member: User) -> bool:
    return WorkerProfile.objects.filter(member=member, legal_status=WorkerProfile.LegalStatus.UNDER_COMPAGNON).exists()


UNDER_COMPAGNON_ALONE = gettext_lazy(
    "Vous travaillez sous la responsabilité de votre compagnon : c'est lui ou elle qui facture, vous ne pouvez donc "
    "pas candidater seul·e. Demandez à votre compagnon de candidater en binôme avec vous. Si vous avez votre propre "
    "statut (micro-entreprise avec SIRET, portage salarial ou coopérative), indiquez-le d'abord dans « Mon statut »."
)


def declared_work_problem(member: User, mission: Mission) -> str | None:
    """Why `member` may not be the one who invoices this mission (the chosen applicant: in a binôme, the
    compagnon), or None."""
    profile = WorkerProfile.objects.filter(member=member).first()
    if profile is None or not profile.is_declared:
        return _(
            "%(name)s n'a pas encore indiqué son statut (micro-entreprise avec SIRET, portage salarial "
            "ou coopérative) : une mission ne peut être confiée qu'à un travail déclaré."
        ) % {"name": member.display_name}
    if not profile.can_invoice:
        return _(
            "%(name)s travaille sous la responsabilité de son compagnon et ne facture pas : une mission ne lui est "
            "confiée qu'en binôme, facturée par son compagnon."
        ) % {"name": member.display_name}
    if mission.budget_cents >= settings.VIGILANCE_THRESHOLD_CENTS and not profile.urssaf_attestation:
        return _(
            "Pour une mission de %(threshold)s ou plus, le donneur d'ordre a une obligation de vigilance : "
            "il doit obtenir l'attestation de vigilance URSSAF du prestataire. %(name)s doit la déposer d'abord."
        ) % {"threshold": euros(settings.VIGILANCE_THRESHOLD_CENTS), "name": member.display_name}
    return None


@transaction.atomic
def choose(application: Application, *, by: User) -> Mission:
    """The client chooses; the others are told kindly. The compagnon invoices a binôme mission."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("applicant", "partner")
        .get(pk=application.pk)
    )
    mission = _locked(application.mission)
    _require_client(mission, by)
    refusal = _("Seule une candidature reçue peut être retenue.")
    if not states.allows(application, A.CHOSEN):
        raise InvalidTransition(refusal)
    problem = declared_work_problem(application.applicant, mission)
    if problem:
        raise InvalidTransition(problem)
    # Audited once, as the mission's `mission.assigned` (with the application).
    _move(application, A.CHOSEN, by=by, refusal=refusal, log=False)
    others = mission.applications.exclude(pk=application.pk)
    told = list(others.filter(status__in=states.sources(Application, A.NOT_CHOSEN)).values_list("pk", flat=True))
    _move_all(others.filter(pk__in=told), A.NOT_CHOSEN)
    mission.chosen = application
    mission.invoiced_by = application.applicant
    _move(mission, S.ASSIGNED, by=by, fields=["chosen", "invoiced_by"], application=application.pk)
    # What winning a mission asks in return (the policy; apprentices exempt).
    ledger_services.debit_mission_won(mission, member=application.applicant)
    for pk in told:
        transaction.on_commit(lambda pk=pk: tell_not_chosen.enqueue(pk))
    return mission


def _require_worker(mission: Mission, by: User) -> None:
    chosen = mission.chosen
    if chosen is None or by.pk not in (chosen.applicant_id, chosen.partner_id):
        raise PermissionRefused(_("Seul le membre retenu peut faire cela."))


@transaction.atomic
def start(mission: Mission, *, by: User) -> Mission:
    mission = _locked(mission)
    _require_worker(mission, by)
    return _move(mission, S.IN_PROGRESS, by=by)


@transaction.atomic
def deliver(mission: Mission, *, by: User, note: str, upload=None, content_type: str = "") -> Delivery:
    mission = _locked(mission)
    _require_worker(mission, by)
    if not note.strip():
        raise InvalidTransition(_("Décrivez ce que vous livrez."))
    _move(mission, S.DELIVERED, by=by)
    delivery = Delivery(
        mission=mission, note=note.strip(), delivered_by=by, on_time=timezone.localdate() <= mission.deadline
    )
    if upload is not None:
        delivery.file_name = upload.name[-200:]
        delivery.content_type = content_type
        delivery.file.save(upload.name, upload, save=False)
    delivery.save()
    path_services.touch_activity(by)
    return delivery


def _latest_delivery(mission: Mission) -> Delivery:
    return mission.deliveries.select_for_update(of=("self",)).order_by("-delivered_at", "-pk").first()


@transaction.atomic
def accept_delivery(mission: Mission, *, by: User) -> Mission:
    mission = _locked(mission)
    _require_client(mission, by)
    if mission.status != S.DELIVERED:
        raise InvalidTransition(_("Seule une mission livrée peut être acceptée."))
    return _close_delivered(mission, Delivery.Status.ACCEPTED, by=by, now=timezone.now())


def _close_delivered(mission: Mission, answer: str, *, by: User | None, now, **audit_data) -> Mission:
    """The latest delivery is accepted (by the client, automatically, or by a mediation) and the mission closes."""
    delivery = _latest_delivery(mission)
    delivery.status = answer
    delivery.answered_at = now
    delivery.save(update_fields=["status", "answered_at"])
    mission.closed_at = now
    return _move(mission, S.CLOSED, by=by, fields=["closed_at"], **audit_data)


def _send_back(mission: Mission, answer: str, *, by: User, **audit_data) -> Mission:
    """The latest delivery goes back for changes (asked by the client, or decided by a mediation)."""
    delivery = _latest_delivery(mission)
    delivery.status = Delivery.Status.CHANGES
    delivery.answer = answer
    delivery.answered_at = timezone.now()
    delivery.save(update_fields=["status", "answer", "answered_at"])
    return _move(mission, S.IN_PROGRESS, by=by, changes=True, **audit_data)


@transaction.atomic
def request_changes(mission: Mission, *, by: User, answer: str) -> Mission:
    mission = _locked(mission)
    _require_client(mission, by)
    if not answer.strip():
        raise InvalidTransition(_("Dites ce qui manque."))
    if mission.status != S.DELIVERED:
        raise InvalidTransition(_("Seule une mission livrée peut être reprise."))
    return _send_back(mission, answer.strip(), by=by)


def auto_accept_deliveries(now=None) -> int:
    """Deliveries unanswered for DELIVERY_AUTO_ACCEPT_DAYS are accepted. Idempotent."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.DELIVERY_AUTO_ACCEPT_DAYS)
    ids = (
        Delivery.objects.filter(status=Delivery.Status.SUBMITTED, delivered_at__lt=cutoff, mission__status=S.DELIVERED)
        .exclude(mission__disputes__status__in=[Dispute.Status.OPEN, Dispute.Status.APPEALED])
        .values_list("mission_id", flat=True)
    )
    done = 0
    for mission_id in ids:
        with transaction.atomic():
            mission = Mission.objects.select_for_update(of=("self",)).get(pk=mission_id)
            if mission.status != S.DELIVERED:
                continue
            delivery = _latest_delivery(mission)
            if delivery.status != Delivery.Status.SUBMITTED or delivery.delivered_at >= cutoff:
                continue
            _close_delivered(mission, Delivery.Status.AUTO_ACCEPTED, by=None, now=now, automatic=True)
            done += 1
    return done


# --- Mediation ------------------------------------------------------------------------------


@transaction.atomic
def open_dispute(mission: Mission, *, by: User, reason: str) -> Dispute:
    mission = Mission.objects.select_related("chosen").get(pk=mission.pk)
    if mission.status not in (S.ASSIGNED, S.IN_PROGRESS, S.DELIVERED, S.CLOSED):
        raise InvalidTransition(_("Une médiation porte sur une mission attribuée."))
    chosen = mission.chosen
    parties = {mission.client_id} | ({chosen.applicant_id, chosen.partner_id} if chosen else set())
    if by.pk not in parties:
        raise PermissionRefused(_("Seules les parties de la mission demandent une médiation."))
    if not reason.strip():
        raise InvalidTransition(_("Expliquez ce qui ne va pas."))
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(mission=mission, opened_by=by, reason=reason.strip())
    except IntegrityError:
        raise InvalidTransition(_("Une médiation est déjà en cours pour cette mission.")) from None
    audit.log(by, "dispute.opened", dispute)
    return dispute


def _parties(mission: Mission) -> set[int]:
    chosen = mission.chosen
    return {mission.client_id} | ({chosen.applicant_id, chosen.partner_id} - {None} if chosen else set())


def _answers_dispute(dispute: Dispute, mission: Mission, user: User) -> bool:
    """The other side of the mediation: the client when a member opened it, a member when the client did."""
    opener_is_client = dispute.opened_by_id == mission.client_id
    return user.pk in _parties(mission) and (user.pk == mission.client_id) != opener_is_client


def dispute_to_answer(mission: Mission, user: User) -> Dispute | None:
    """The mediation still open (or under appeal) in which `user` is the side that answers, if any."""
    open_ones = mission.disputes.filter(status__in=[Dispute.Status.OPEN, Dispute.Status.APPEALED])
    return next((d for d in open_ones.order_by("-created_at") if _answers_dispute(d, mission, user)), None)


@transaction.atomic
def respond_to_dispute(dispute: Dispute, *, by: User, text: str) -> Dispute:
    """The other side gives its version before staff decide (or before the appeal is decided). It may be rewritten
    until then; each version is audited."""
    dispute = Dispute.objects.select_for_update(of=("self",)).select_related("mission__chosen").get(pk=dispute.pk)
    mission = dispute.mission
    if by.pk not in _parties(mission):
        raise PermissionRefused(_("Seules les parties de la mission répondent à une médiation."))
    if not _answers_dispute(dispute, mission, by):
        raise PermissionRefused(_("C'est l'autre partie qui répond : vous avez déjà exposé ce qui ne va pas."))
    if dispute.status not in (Dispute.Status.OPEN, Dispute.Status.APPEALED):
        raise InvalidTransition(_("L'équipe a déjà rendu sa décision : la réponse est close."))
    if not text.strip():
        raise InvalidTransition(_("Écrivez votre version des faits."))
    dispute.response, dispute.responded_by, dispute.responded_at = text.strip(), by, timezone.now()
    dispute.save(update_fields=["response", "responded_by", "responded_at"])
    audit.log(by, "dispute.answered", dispute)
    return dispute


# What a decision may do to the mission, by the mission's state (docs/missions.md, « Mediation »).
DISPUTE_OUTCOMES = {
    S.ASSIGNED: (Dispute.Outcome.UNCHANGED, Dispute.Outcome.CANCEL),
    S.IN_PROGRESS: (Dispute.Outcome.UNCHANGED, Dispute.Outcome.CANCEL),
    S.DELIVERED: (
        Dispute.Outcome.ACCEPT,
        Dispute.Outcome.REDO,
        Dispute.Outcome.CANCEL,
        Dispute.Outcome.UNCHANGED,
    ),
}


def dispute_outcomes(mission: Mission) -> tuple:
    """The outcomes a decision may take for this mission now (a closed or cancelled one stays as it is)."""
    return DISPUTE_OUTCOMES.get(mission.status, (Dispute.Outcome.UNCHANGED,))


def _apply_outcome(mission: Mission, outcome: str, *, by: User, dispute: Dispute, reasons: str) -> None:
    if outcome == Dispute.Outcome.ACCEPT:
        _close_delivered(mission, Delivery.Status.ACCEPTED, by=by, now=timezone.now(), dispute=dispute.pk)
    elif outcome == Dispute.Outcome.REDO:
        _send_back(mission, reasons, by=by, dispute=dispute.pk)
    elif outcome == Dispute.Outcome.CANCEL:
        _call_off(mission, by=by, dispute=dispute.pk)


@transaction.atomic
def decide_dispute(dispute: Dispute, *, by: User, decided_for: str, outcome: str, reasons: str) -> Dispute:
    """Staff decide: for whom (client, member, shared), what follows for the mission (an outcome its state allows,
    applied here through the same transitions), and why (required). Open → decided; appealed → final."""
    _require_staff(by)
    dispute = Dispute.objects.select_for_update(of=("self",)).get(pk=dispute.pk)
    mission = _locked(dispute.mission)
    if dispute.status == Dispute.Status.OPEN:
        status = Dispute.Status.DECIDED
    elif dispute.status == Dispute.Status.APPEALED:
        status = Dispute.Status.FINAL
    else:
        raise InvalidTransition(_("Cette médiation attend un appel, ou elle est close."))
    if decided_for not in Dispute.DecidedFor.values:
        raise InvalidTransition(_("Dites en faveur de qui la décision est rendue."))
    if outcome not in dispute_outcomes(mission):
        raise InvalidTransition(
            _("Pour une mission « %(status)s », choisissez une suite parmi : %(choices)s.")
            % {
                "status": mission.get_status_display(),
                "choices": ", ".join(str(Dispute.Outcome(o).label) for o in dispute_outcomes(mission)),
            }
        )
    if not reasons.strip():
        raise InvalidTransition(_("Écrivez les motifs de la décision."))
    _apply_outcome(mission, outcome, by=by, dispute=dispute, reasons=reasons.strip())
    dispute.status, dispute.decided_for, dispute.outcome = status, decided_for, outcome
    dispute.decision, dispute.decided_by, dispute.decided_at = reasons.strip(), by, timezone.now()
    dispute.save(update_fields=["status", "decided_for", "outcome", "decision", "decided_by", "decided_at"])
    audit.log(by, "dispute.decided", dispute, status=status, decided_for=decided_for, outcome=outcome)
    return dispute


@transaction.atomic
def appeal(dispute: Dispute, *, by: User) -> Dispute:
    dispute = Dispute.objects.select_for_update(of=("self",)).select_related("mission__chosen").get(pk=dispute.pk)
    mission = dispute.mission
    chosen = mission.chosen
    parties = {mission.client_id} | ({chosen.applicant_id, chosen.partner_id} if chosen else set())
    if by.pk not in parties:
        raise PermissionRefused(_("Seules les parties font appel."))
    if dispute.status != Dispute.Status.DECIDED:
        raise InvalidTransition(_("On fait appel d'une décision rendue, une seule fois."))
    dispute.status = Dispute.Status.APPEALED
    dispute.save(update_fields=["status"])
    audit.log(by, "dispute.appealed", dispute)
    return dispute


# --- Closure: testimonials both ways, attestation, facts ------------------------------------


def _other_side(mission: Mission, by: User) -> User:
    chosen = mission.chosen
    if by.pk == mission.client_id:
        return chosen.applicant
    if chosen and by.pk in (chosen.applicant_id, chosen.partner_id):
        return mission.client
    raise PermissionRefused(_("Seules les parties de la mission témoignent."))


@transaction.atomic
def write_testimonial(mission: Mission, *, by: User, text: str) -> Testimonial:
    mission = Mission.objects.select_related("chosen__applicant", "client").get(pk=mission.pk)
    if mission.status != S.CLOSED:
        raise InvalidTransition(_("Les témoignages s'écrivent quand la mission est clôturée."))
    about = _other_side(mission, by)
    if not text.strip():
        raise InvalidTransition(_("Écrivez votre témoignage."))
    try:
        with transaction.atomic():
            testimonial = Testimonial.objects.create(mission=mission, author=by, about=about, text=text.strip())
    except IntegrityError:
        raise InvalidTransition(_("Vous avez déjà témoigné pour cette mission.")) from None
    audit.log(by, "testimonial.written", mission)
    return testimonial


ATTESTATION_LEVELS = {
    Attestation.Result.YES: Level.ACQUIRED,
    Attestation.Result.PARTLY: Level.IN_PROGRESS,
    Attestation.Result.NO: Level.NOT_ACQUIRED,
}


@transaction.atomic
def attest(mission: Mission, results: dict[int, str], *, by: User) -> list[Attestation]:
    """The client attests each compétence; each becomes a « client » source of the member's level."""
    mission = _locked(mission)
    _require_client(mission, by)
    if mission.status != S.CLOSED:
        raise InvalidTransition(_("L'attestation se fait à la clôture de la mission."))
    if mission.attestations.exists():
        raise InvalidTransition(_("Vous avez déjà attesté cette mission."))
    expected = set(mission.competences.values_list("pk", flat=True))
    if set(results) != expected:
        raise InvalidTransition(_("Répondez pour chaque compétence attendue."))
    members = [mission.chosen.applicant] + ([mission.chosen.partner] if mission.chosen.partner_id else [])
    competences = {c.pk: c for c in Competence.objects.filter(pk__in=expected)}
    created = []
    for member in members:
        for competence_id, result in results.items():
            created.append(
                Attestation.objects.create(mission=mission, member=member, competence_id=competence_id, result=result)
            )
            skills_services.record_assessment(
                member,
                competences[competence_id],
                ATTESTATION_LEVELS[result],
                source=Assessment.Source.CLIENT,
                by=by,
                evidence=mission,
            )
    audit.log(by, "mission.attested", mission, competences=len(results))
    return created


@transaction.atomic
def request_endorsement(attestation: Attestation, *, by: User) -> IssuedCredential:
    """The member asks for a client's attestation (« oui, la mission l'a montré ») to be issued as a signed Open
    Badges EndorsementCredential: the platform vouches, on behalf of the client named in it, for the member's
    compétence. Once per attestation; revocable by the team like the titles; on the member's mini-site."""
    attestation = Attestation.objects.select_related("mission__client", "competence", "member").get(pk=attestation.pk)
    if by.pk != attestation.member_id:
        raise PermissionRefused(_("Seule la personne attestée demande sa recommandation signée."))
    if attestation.result != Attestation.Result.YES:
        raise InvalidTransition(
            _("Seule une compétence attestée « oui » devient une recommandation signée (celle-ci : « %(r)s »).")
            % {"r": attestation.get_result_display()}
        )
    mission, competence, client = attestation.mission, attestation.competence, attestation.mission.client
    site = settings.SITE_URL.rstrip("/")
    credential = credentials.issue_endorsement(
        member=attestation.member,
        key=f"attestation/{competence.code}",
        name=_("Recommandation : %(code)s — %(label)s") % {"code": competence.code, "label": competence.label},
        subject_id=f"{site}/referentiel/#{competence.code}",
        comment=_(
            "%(client)s atteste qu'au cours de la mission « %(title)s », close le %(date)s, %(member)s a montré la "
            "compétence « %(code)s — %(label)s »."
        )
        % {
            "client": client.display_name,
            "title": mission.title,
            "date": f"{attestation.created_at:%d/%m/%Y}",
            "member": attestation.member.display_name,
            "code": competence.code,
            "label": competence.label,
        },
        evidence=attestation,
        evidence_url=f"{site}/missions/{mission.pk}/",
        evidence_name=_("Mission : %(title)s") % {"title": mission.title},
        evidence_description=_("Attestation du donneur d'ordre, %(client)s, à la clôture de la mission.")
        % {"client": client.display_name},
    )
    audit.log(by, "mission.endorsement_requested", mission, competence=competence.code)
    return credential


@transaction.atomic
def record_client_facts(mission: Mission, *, by: User, payment_delay_days: int, scope_changes: int) -> ClientFacts:
    mission = _locked(mission)
    _require_worker(mission, by)
    if mission.status != S.CLOSED:
        raise InvalidTransition(_("Les faits se notent à la clôture de la mission."))
    facts, _created = ClientFacts.objects.update_or_create(
        mission=mission,
        defaults={"payment_delay_days": payment_delay_days, "scope_changes": scope_changes, "recorded_by": by},
    )
    audit.log(by, "mission.client_facts", mission)
    return facts


@transaction.atomic
def post_message(application: Application, *, by: User, body: str) -> Message:
    if by.pk not in (application.applicant_id, application.partner_id, application.mission.client_id):
        raise PermissionRefused(_("Ce fil n'est pas le vôtre."))
    if not body.strip():
        raise InvalidTransition(_("Écrivez votre message."))
    return Message.objects.create(application=application, author=by, body=body.strip())


def announce_new_missions(now=None, *, digest: str = "daily") -> dict[int, list[int]]:
    """Pick, for each mission published since the last digest of this frequency (with a day's overlap), its best
    matches who chose this frequency and were not told yet; record the announcements first (never twice).
    Returns member → mission ids to send in their digest."""
    now = now or timezone.now()
    window = timedelta(days=2 if digest == "daily" else 8)
    per_member: dict[int, list[int]] = {}
    for mission in Mission.objects.published().filter(published_at__gte=now - window):
        for member in best_matches(mission, limit=settings.DIGEST_MATCHES_PER_MISSION, digest=digest):
            _announcement, created = Announcement.objects.get_or_create(mission=mission, member=member)
            if created:
                per_member.setdefault(member.pk, []).append(mission.pk)
    return per_member


@transaction.atomic
def set_site_trades(site, trades: list, *, by: User) -> None:
    """The métiers whose missions `site` shows first, in this order (docs/sites.md); the others follow."""
    if not is_team(by):
        raise PermissionRefused(_("Seule l'équipe choisit les métiers mis en avant d'un site."))
    SiteTradeOrder.objects.filter(site=site).delete()
    SiteTradeOrder.objects.bulk_create(
        SiteTradeOrder(site=site, trade=trade, position=i) for i, trade in enumerate(dict.fromkeys(trades))
    )
    audit.log(by, "missions.site_trades", site, trades=[t.pk for t in dict.fromkeys(trades)])
