from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from compagnons.accounts.models import User
from compagnons.apprenticeship.models import Mentorship
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.models import AuditLog
from compagnons.core.permissions import require_team
from compagnons.missions import invitations, permissions, services
from compagnons.missions.forms import (
    ApplyForm,
    AttestationForm,
    ClientFactsForm,
    ConvertLeadForm,
    DeliveryForm,
    DisputeDecisionForm,
    FilterForm,
    LeadForm,
    MissionForm,
    QualifyForm,
    TextForm,
    WorkerProfileForm,
)
from compagnons.missions.models import Application, Delivery, Dispute, Lead, Mission, WorkerProfile

ERRORS = (InvalidTransition, PermissionRefused)
PAGE_SIZE = 20


# --- Finding missions ---------------------------------------------------------------------


@require_safe
def mission_list(request: HttpRequest) -> HttpResponse:
    """Published missions, filtered; newest first, never sorted by price."""
    form = FilterForm(request.GET or None)
    missions = Mission.objects.published().select_related("trade")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            missions = missions.filter(
                Q(title__icontains=data["q"]) | Q(context__icontains=data["q"]) | Q(deliverables__icontains=data["q"])
            )
        if data["trade"]:
            missions = missions.filter(trade=data["trade"])
        if data["competence"]:
            missions = missions.filter(competences=data["competence"])
        if data["place"]:
            missions = missions.filter(place=data["place"])
        if data["duration"] == "short":
            missions = missions.filter(estimated_hours__lt=20)
        elif data["duration"] == "medium":
            missions = missions.filter(estimated_hours__gte=20, estimated_hours__lte=80)
        elif data["duration"] == "long":
            missions = missions.filter(estimated_hours__gt=80)
        if data["starts_after"]:
            missions = missions.filter(starts_on__gte=data["starts_after"])
    page = Paginator(missions.order_by("-published_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "missions/list.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
@require_safe
def recommendations(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_apprentice or request.user.is_compagnon):
        raise Http404
    return render(request, "missions/recommendations.html", {"matches": services.recommend(request.user)})


@require_http_methods(["GET", "POST"])
def mission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mission = permissions.get_mission_for_viewer(request.user, pk)
    user = request.user
    can_apply = (
        user.is_authenticated
        and mission.status == Mission.Status.PUBLISHED
        and user.pk != mission.client_id
        and (user.is_apprentice or user.is_compagnon)
    )
    mentees = (
        [m.apprentice for m in Mentorship.objects.active().filter(mentor=user).select_related("apprentice")]
        if can_apply
        else []
    )
    form = ApplyForm(request.POST or None, mentees=mentees) if can_apply else None
    has_mentor = can_apply and Mentorship.objects.active().filter(apprentice=user).exists()
    mine = Application.objects.filter(mission=mission, applicant=user).first() if user.is_authenticated else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                application = services.apply(
                    mission,
                    user,
                    message=form.cleaned_data["message"],
                    partner=form.cleaned_data.get("partner"),
                    request_review=form.cleaned_data["review"],
                )
            except ERRORS as error:
                form.add_error(None, str(error))
            else:
                if application.status == Application.Status.DRAFT:
                    messages.success(request, _("Votre compagnon va relire votre candidature avant son envoi."))
                else:
                    messages.success(request, _("Candidature envoyée. Le donneur d'ordre vous répondra ici."))
                return redirect(application)
    return render(
        request,
        "missions/detail.html",
        {
            "mission": mission,
            "competences": mission.competences.all(),
            "form": form,
            "has_mentor": has_mentor,
            "mine": mine,
            "open_count": services.open_applications(user) if can_apply else 0,
            "cap": services.settings.MAX_OPEN_APPLICATIONS,
            "is_client": user.is_authenticated and user.pk == mission.client_id,
            "is_party": permissions.is_party(user, mission),
            "hourly": services.euros(mission.hourly_rate_cents),
            "budget": services.euros(mission.budget_cents),
            "client_record": services.client_record(mission.client),
            "vigilance": mission.budget_cents >= services.settings.VIGILANCE_THRESHOLD_CENTS,
            "vigilance_threshold": services.euros(services.settings.VIGILANCE_THRESHOLD_CENTS),
        },
    )


# --- Posting (clients) ----------------------------------------------------------------------


def _posted_text(form, field: str = "text") -> str:
    """Free text read through its form: a NUL byte or a malformed value gets the form's French message, never a
    500. A missing text is passed on empty: the service says what it expects."""
    if form.is_valid():
        return form.cleaned_data[field]
    problems = form.errors.as_data().get(field, [])
    if problems and all(problem.code == "required" for problem in problems):
        return ""
    raise InvalidTransition(" ".join(form.errors.get(field, [])) or _("Vérifiez votre texte."))


def _require_client_role(user) -> None:
    if not (user.is_client or user.is_formateur):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def mission_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_client_role(request.user)
    mission = permissions.get_mission_for_client(request.user, pk) if pk else Mission(client=request.user)
    if mission.pk and mission.status != Mission.Status.DRAFT:
        messages.info(request, _("Cette mission n'est plus un brouillon : elle ne se modifie plus."))
        return redirect(mission)
    invitee, inviter_unknown = _invitee(request, mission)
    form = MissionForm(request.POST or None, instance=mission, invitee=invitee)
    if request.method == "POST" and form.is_valid():
        mission = form.save()
        if "submit" in request.POST:
            try:
                services.submit(mission, by=request.user)
            except ERRORS as error:
                messages.error(request, str(error))
                return redirect("missions:edit", pk=mission.pk)
            messages.success(request, _("Mission envoyée à l'équipe, qui va la qualifier avec vous."))
        else:
            messages.success(request, _("Brouillon enregistré."))
        return redirect("missions:mine")
    return render(
        request,
        "missions/edit.html",
        {
            "form": form,
            "mission": mission,
            "floor": services.euros(services.settings.MISSION_HOURLY_FLOOR_CENTS),
            "vigilance_threshold": services.euros(services.settings.VIGILANCE_THRESHOLD_CENTS),
            "fairness_error": getattr(form, "fairness_error", None),
            "inviter_unknown": inviter_unknown,
        },
    )


def _invitee(request: HttpRequest, mission: Mission):
    """Whom this mission invites: the member of the page it is proposed from (`?inviter=<page address>`, kept
    through sign-up and on POST), or, for a draft, whom it already invites. Never the client themself.
    Returns (member or None, whether an `inviter` was given that leads to no published page)."""
    if mission.pk:
        return mission.invited, False
    slug = request.GET.get("inviter", "")
    if not slug:
        return None, False
    member = invitations.find_member(slug)
    if member is not None and member.pk == request.user.pk:
        return None, False
    return member, member is None


@login_required
@require_safe
def my_missions(request: HttpRequest) -> HttpResponse:
    _require_client_role(request.user)
    missions = Mission.objects.of_client(request.user).prefetch_related(
        Prefetch("applications", queryset=Application.objects.exclude(status=Application.Status.DRAFT))
    )
    return render(request, "missions/mine.html", {"missions": missions, "record": services.client_record(request.user)})


@login_required
@require_POST
def mission_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    mission = get_object_or_404(Mission, pk=pk)
    if request.user.pk != mission.client_id and not request.user.is_formateur:
        raise Http404
    try:
        services.cancel(mission, by=request.user)
    except ERRORS as error:
        messages.error(request, str(error))
    return redirect(mission)


@login_required
@require_safe
def applications_for_mission(request: HttpRequest, pk: int) -> HttpResponse:
    """The client's view: each application with the member's record (facts, never stars)."""
    mission = permissions.get_mission_for_client(request.user, pk)
    applications = list(
        mission.applications.exclude(status=Application.Status.DRAFT).select_related("applicant", "partner")
    )
    records = services.member_records([a.applicant_id for a in applications])
    rows = [(a, records[a.applicant_id]) for a in applications]
    return render(request, "missions/applications.html", {"mission": mission, "rows": rows})


@login_required
@require_POST
def application_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    application = permissions.get_application_for_viewer(request.user, pk)
    try:
        if action == "shortlist":
            services.shortlist(application, by=request.user)
        elif action == "choose":
            services.choose(application, by=request.user)
            messages.success(request, _("Candidature retenue. Les autres candidats sont prévenus avec égards."))
        elif action == "withdraw":
            services.withdraw(application, by=request.user)
        elif action == "send":
            message = _posted_text(TextForm({"text": request.POST.get("message", "")}))
            services.send_application(application, by=request.user, message=message)
            messages.success(request, _("Candidature envoyée."))
        else:
            raise Http404
    except ERRORS as error:
        messages.error(request, str(error))
    if request.user.pk == application.mission.client_id:
        return redirect("missions:applications", pk=application.mission_id)
    return redirect(application)


@login_required
@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = permissions.get_application_for_viewer(request.user, pk)
    form = TextForm(request.POST or None)
    is_mentor = request.user.pk not in (application.applicant_id, application.partner_id, application.mission.client_id)
    if request.method == "POST" and form.is_valid():
        try:
            if is_mentor:
                services.review_application(application, by=request.user, comment=form.cleaned_data["text"])
                messages.success(request, _("Merci pour votre relecture."))
            else:
                services.post_message(application, by=request.user, body=form.cleaned_data["text"])
        except ERRORS as error:
            form.add_error(None, str(error))
        else:
            return redirect(application)
    return render(
        request,
        "missions/application.html",
        {
            "application": application,
            "thread": application.messages.select_related("author"),
            "form": form,
            "is_mentor": is_mentor,
        },
    )


@login_required
@require_safe
def my_applications(request: HttpRequest) -> HttpResponse:
    applications = (
        Application.objects.filter(Q(applicant=request.user) | Q(partner=request.user))
        .select_related("mission")
        .order_by("-created_at")[:100]
    )
    to_review = Application.objects.filter(
        status=Application.Status.DRAFT,
        review_requested=True,
        applicant__mentorships_as_apprentice__mentor=request.user,
        applicant__mentorships_as_apprentice__ended_at__isnull=True,
    ).select_related("mission", "applicant")
    return render(
        request,
        "missions/my_applications.html",
        {
            "applications": applications,
            "to_review": to_review,
            "open_count": services.open_applications(request.user),
            "cap": services.settings.MAX_OPEN_APPLICATIONS,
        },
    )


# --- Delivery, closure, mediation -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def mission_work(request: HttpRequest, pk: int) -> HttpResponse:
    """The mission once attributed: start, deliver, receive, close, testify, attest, mediate."""
    mission = permissions.get_mission_for_party(request.user, pk)
    if mission.chosen_id is None:
        raise Http404
    user = request.user
    is_client = user.pk == mission.client_id
    delivery_form = DeliveryForm()
    answer_form = TextForm()
    testimonial_form = TextForm()
    competences = list(mission.competences.all())
    attestation_form = AttestationForm(competences=competences)
    facts_form = ClientFactsForm()
    dispute_form = TextForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start":
                services.start(mission, by=user)
            elif action == "deliver":
                delivery_form = DeliveryForm(request.POST, request.FILES)
                if not delivery_form.is_valid():
                    raise InvalidTransition(_("Vérifiez la livraison : voyez les messages ci-dessous."))
                services.deliver(
                    mission,
                    by=user,
                    note=delivery_form.cleaned_data["note"],
                    upload=delivery_form.cleaned_data.get("file"),
                    content_type=delivery_form.content_type,
                )
            elif action == "accept":
                services.accept_delivery(mission, by=user)
            elif action == "changes":
                answer_form = TextForm(request.POST)
                services.request_changes(mission, by=user, answer=_posted_text(answer_form))
            elif action == "testimonial":
                testimonial_form = TextForm(request.POST)
                services.write_testimonial(mission, by=user, text=_posted_text(testimonial_form))
            elif action == "attest":
                attestation_form = AttestationForm(request.POST, competences=competences)
                if not attestation_form.is_valid():
                    raise InvalidTransition(_("Répondez pour chaque compétence attendue."))
                services.attest(mission, attestation_form.results(), by=user)
            elif action == "facts":
                facts_form = ClientFactsForm(request.POST)
                if not facts_form.is_valid():
                    raise InvalidTransition(_("Indiquez des nombres de jours et de changements valides."))
                services.record_client_facts(mission, by=user, **facts_form.cleaned_data)
            elif action == "dispute":
                dispute_form = TextForm(request.POST)
                services.open_dispute(mission, by=user, reason=_posted_text(dispute_form))
            elif action == "dispute_response":
                dispute = services.dispute_to_answer(mission, user)
                if dispute is None:
                    raise InvalidTransition(_("Aucune médiation n'attend votre réponse."))
                services.respond_to_dispute(dispute, by=user, text=_posted_text(TextForm(request.POST)))
            elif action == "appeal":
                dispute = mission.disputes.order_by("-created_at").first()
                if dispute is None:
                    raise InvalidTransition(_("Il n'y a pas de médiation à faire appel."))
                services.appeal(dispute, by=user)
            else:
                raise Http404
        except ERRORS as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("C'est enregistré."))
            return redirect("missions:work", pk=mission.pk)
    mission.refresh_from_db()
    visible = services.testimonials_visible(mission)
    my_testimonial = mission.testimonials.filter(author=user).first()
    disputes = list(mission.disputes.select_related("opened_by"))
    return render(
        request,
        "missions/work.html",
        {
            "mission": mission,
            "is_client": is_client,
            "deliveries": mission.deliveries.all(),
            "testimonials": mission.testimonials.select_related("author") if visible else [],
            "testimonials_hidden": not visible,
            "my_testimonial": my_testimonial,
            "mine_written": my_testimonial is not None,
            "attested": mission.attestations.exists(),
            "attestations": mission.attestations.select_related("competence", "member"),
            "facts": getattr(mission, "client_facts", None) if hasattr(mission, "client_facts") else None,
            "disputes": disputes,
            "respond_to": getattr(services.dispute_to_answer(mission, user), "pk", None),
            "has_urssaf": is_client
            and WorkerProfile.objects.filter(member_id=mission.chosen.applicant_id)
            .exclude(urssaf_attestation="")
            .exists(),
            "delivery_form": delivery_form,
            "answer_form": answer_form,
            "testimonial_form": testimonial_form,
            "attestation_form": attestation_form,
            "facts_form": facts_form,
            "dispute_form": dispute_form,
        },
    )


@login_required
@require_safe
def delivery_file(request: HttpRequest, pk: int) -> FileResponse:
    delivery = get_object_or_404(Delivery.objects.select_related("mission__chosen"), pk=pk)
    if not permissions.is_party(request.user, delivery.mission) or not delivery.file:
        raise Http404
    return FileResponse(
        delivery.file.open("rb"),
        as_attachment=True,
        filename=delivery.file_name or "livraison",
        content_type=delivery.content_type or "application/octet-stream",
    )


@login_required
@require_safe
def urssaf_attestation(request: HttpRequest, pk: int) -> FileResponse:
    """The chosen member's URSSAF attestation, for the client who owes the obligation de vigilance."""
    mission = permissions.get_mission_for_client(request.user, pk)
    if mission.chosen is None:
        raise Http404
    profile = WorkerProfile.objects.filter(member_id=mission.chosen.applicant_id).first()
    if profile is None or not profile.urssaf_attestation:
        raise Http404
    return FileResponse(
        profile.urssaf_attestation.open("rb"),
        as_attachment=True,
        filename="attestation-vigilance-urssaf.pdf",
        content_type="application/pdf",
    )


# --- Member side: legal status, leads, record -----------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def worker_profile(request: HttpRequest) -> HttpResponse:
    profile = WorkerProfile.objects.filter(member=request.user).first() or WorkerProfile(member=request.user)
    form = WorkerProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Votre statut est enregistré."))
        return redirect("missions:worker_profile")
    return render(request, "missions/worker_profile.html", {"form": form, "profile": profile})


@login_required
@require_http_methods(["GET", "POST"])
def leads(request: HttpRequest) -> HttpResponse:
    form = LeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_lead(request.user, **form.cleaned_data)
        except ERRORS as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Merci ! L'équipe va contacter ce client."))
            return redirect("missions:leads")
    mine = Lead.objects.filter(author=request.user)[:50]
    return render(request, "missions/leads.html", {"form": form, "leads": mine})


@login_required
@require_safe
def member_record(request: HttpRequest, member_id: int) -> HttpResponse:
    member = get_object_or_404(User.objects.active(), pk=member_id)
    if not permissions.can_see_record(request.user, member):
        raise Http404
    return render(request, "missions/record.html", {"member": member, "record": services.member_record(member)})


# --- Staff: qualification, leads, mediation ---------------------------------------------------


@login_required
@require_safe
def staff_queue(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    return render(
        request,
        "missions/staff_queue.html",
        {
            "submitted": Mission.objects.filter(status=Mission.Status.SUBMITTED).select_related("client")[:100],
            "leads": Lead.objects.filter(status=Lead.Status.NEW).select_related("author")[:100],
            "disputes": Dispute.objects.exclude(status=Dispute.Status.FINAL).select_related("mission")[:100],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def qualify(request: HttpRequest, pk: int) -> HttpResponse:
    require_team(request.user)
    mission = get_object_or_404(Mission.objects.select_related("client", "trade", "invited"), pk=pk)
    form = QualifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "send_back" in request.POST:
                services.send_back(mission, by=request.user, comment=data["comment"])
                messages.success(request, _("Mission renvoyée au donneur d'ordre avec vos remarques."))
            else:
                services.publish(mission, by=request.user, checklist=data, comment=data["comment"])
                messages.success(request, _("Mission publiée."))
        except ERRORS as error:
            form.add_error(None, str(error))
        else:
            return redirect("missions:staff_queue")
    return render(
        request,
        "missions/qualify.html",
        {
            "mission": mission,
            "form": form,
            "competences": mission.competences.all(),
            "hourly": services.euros(mission.hourly_rate_cents),
            "budget": services.euros(mission.budget_cents),
            "fairness": services.fairness_problem(mission.budget_cents, mission.estimated_hours),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def convert_lead(request: HttpRequest, pk: int) -> HttpResponse:
    require_team(request.user)
    lead = get_object_or_404(Lead, pk=pk, status=Lead.Status.NEW)
    form = ConvertLeadForm(request.POST or None, initial={"context": lead.need})
    if request.method == "POST" and form.is_valid():
        form.instance.client = form.client
        try:
            with transaction.atomic():
                mission = form.save()
                services.convert_lead(lead, mission, by=request.user)
        except ERRORS as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Brouillon créé pour le client : il le relit et l'envoie."))
            return redirect("missions:staff_queue")
    return render(request, "missions/convert_lead.html", {"lead": lead, "form": form})


HISTORY_LABELS = {
    "dispute.opened": gettext_lazy("Médiation demandée"),
    "dispute.answered": gettext_lazy("Réponse de l'autre partie"),
    "dispute.decided": gettext_lazy("Décision de l'équipe"),
    "dispute.appealed": gettext_lazy("Appel de la décision"),
    "testimonial.written": gettext_lazy("Témoignage écrit"),
    "mission.attested": gettext_lazy("Attestation de compétences"),
    "mission.client_facts": gettext_lazy("Faits déclarés sur le donneur d'ordre"),
}


def _mission_history(mission: Mission) -> list[dict]:
    """The mission's audit entries and those of its mediations, oldest first: one query (content types are cached)."""
    entries = (
        AuditLog.objects.filter(
            Q(target_type=ContentType.objects.get_for_model(Mission), target_id=str(mission.pk))
            | Q(
                target_type=ContentType.objects.get_for_model(Dispute),
                target_id__in=[str(pk) for pk in mission.disputes.values_list("pk", flat=True)],
            )
        )
        .select_related("actor")
        .order_by("created_at", "pk")[:200]
    )
    history = []
    for entry in entries:
        label = HISTORY_LABELS.get(entry.action)
        if label is None and entry.action.startswith("mission."):
            status = entry.action.removeprefix("mission.")
            if status in Mission.Status.values:
                label = _("Mission : %(status)s") % {"status": Mission.Status(status).label}
        history.append({"at": entry.created_at, "actor": entry.actor, "label": label or entry.action})
    return history


@login_required
@require_http_methods(["GET", "POST"])
def dispute_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff's mediation page: both sides, the mission's history and deliveries, and the decision to take."""
    require_team(request.user)
    dispute = get_object_or_404(
        Dispute.objects.select_related(
            "mission__client", "mission__chosen__applicant", "mission__chosen__partner", "opened_by", "responded_by"
        ),
        pk=pk,
    )
    mission = dispute.mission
    form = DisputeDecisionForm(request.POST or None, mission=mission)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_dispute(
                dispute,
                by=request.user,
                decided_for=form.cleaned_data["decided_for"],
                outcome=form.cleaned_data["outcome"],
                reasons=form.cleaned_data["reasons"],
            )
        except ERRORS as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Décision enregistrée."))
            return redirect("missions:staff_queue")
    opener_is_client = dispute.opened_by_id == mission.client_id
    return render(
        request,
        "missions/dispute.html",
        {
            "dispute": dispute,
            "mission": mission,
            "opener_is_client": opener_is_client,
            "decidable": dispute.status in (Dispute.Status.OPEN, Dispute.Status.APPEALED),
            "deliveries": mission.deliveries.select_related("delivered_by").order_by("delivered_at", "pk"),
            "history": _mission_history(mission),
            "earlier": mission.disputes.exclude(pk=dispute.pk).order_by("created_at"),
            "form": form,
        },
    )
