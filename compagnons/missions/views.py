from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from compagnons.apprenticeship.models import Mentorship
from compagnons.core import fragments, frames
from compagnons.core.exceptions import Refused
from compagnons.core.models import AuditLog
from compagnons.core.money import euros
from compagnons.core.permissions import require_team
from compagnons.core.refusals import refused
from compagnons.credentials import sharing
from compagnons.missions import invitations, permissions, records, search, services
from compagnons.missions.forms import (
    ApplyForm,
    AttestationForm,
    ChangesForm,
    ClientFactsForm,
    ConvertLeadForm,
    DeliveryForm,
    DisputeDecisionForm,
    DisputeForm,
    DisputeResponseForm,
    FilterForm,
    LeadForm,
    MissionForm,
    QualifyForm,
    SendApplicationForm,
    TestimonialForm,
    TextForm,
    WorkerProfileForm,
)
from compagnons.missions.matching import recommend
from compagnons.missions.models import Application, Attestation, Dispute, Lead, Mission, WorkerProfile

# --- Finding missions ---------------------------------------------------------------------


@fragments.public_page("missions")
@require_safe
def mission_list(request: HttpRequest) -> HttpResponse:
    """Published missions, filtered; the métiers the site shows first (SiteTradeOrder), then newest first; never
    sorted by price."""
    form = FilterForm(request.GET or None)
    site = getattr(request, "site", None)
    if form.is_valid() and search.words_only(form.cleaned_data):
        # the most asked: its page read by SQL compiled once per process
        page = search.words_page(form.cleaned_data["q"], site, request.GET.get("page"))
    else:
        page = search.filtered_page(form.cleaned_data if form.is_valid() else {}, site, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return frames.render(request, "missions/list.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
@fragments.member_page("recommendations")
@require_safe
def recommendations(request: HttpRequest) -> HttpResponse:
    if not permissions.can_see_recommendations(request.user):
        raise Http404
    return render(request, "missions/recommendations.html", {"matches": recommend(request.user)})


@fragments.public_page("missions.mission_detail")
@fragments.member_page("missions.mission_detail")
@require_http_methods(["GET", "POST"])
def mission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mission = permissions.get_mission_for_viewer(request.user, pk)
    user = request.user
    can_apply = permissions.can_apply_to_mission(user, mission)
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
            except Refused as error:
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
            "cap": settings.MAX_OPEN_APPLICATIONS,
            "is_client": user.is_authenticated and user.pk == mission.client_id,
            "is_party": permissions.is_party(user, mission),
            "hourly": euros(mission.hourly_rate_cents),
            "budget": euros(mission.budget_cents),
            "client_record": records.client_record(mission.client),
            "vigilance": mission.budget_cents >= settings.VIGILANCE_THRESHOLD_CENTS,
            "vigilance_threshold": euros(settings.VIGILANCE_THRESHOLD_CENTS),
        },
    )


# --- Posting (clients) ----------------------------------------------------------------------


def _require_client_role(user) -> None:
    if not permissions.can_post_missions(user):
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
            except Refused as error:
                return refused(request, error, "missions:edit", pk=mission.pk)
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
            "floor": euros(settings.MISSION_HOURLY_FLOOR_CENTS),
            "vigilance_threshold": euros(settings.VIGILANCE_THRESHOLD_CENTS),
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
    return render(request, "missions/mine.html", {"missions": missions, "record": records.client_record(request.user)})


@login_required
@require_POST
def mission_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    mission = permissions.get_mission_for_canceller(request.user, pk)
    try:
        services.cancel(mission, by=request.user)
    except Refused as error:
        return refused(request, error, mission)
    return redirect(mission)


@login_required
@fragments.member_page("missions.applications_for_mission")
@require_safe
def applications_for_mission(request: HttpRequest, pk: int) -> HttpResponse:
    """The client's view: each application with the member's record (facts, never stars)."""
    mission = permissions.get_mission_for_client(request.user, pk)
    applications = list(
        mission.applications.exclude(status=Application.Status.DRAFT).select_related("applicant", "partner")
    )
    facts = records.member_records([a.applicant_id for a in applications])
    rows = [(a, facts[a.applicant_id]) for a in applications]
    return render(request, "missions/applications.html", {"mission": mission, "rows": rows})


def _back_from_application(request: HttpRequest, application: Application) -> tuple:
    """The client goes back to the mission's applications, the applicant to their application."""
    if request.user.pk == application.mission.client_id:
        return ("missions:applications", application.mission_id)
    return (application,)


@login_required
@require_POST
def application_shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    application = permissions.get_application_for_viewer(request.user, pk)
    try:
        services.shortlist(application, by=request.user)
    except Refused as error:
        return refused(request, error, *_back_from_application(request, application))
    return redirect(*_back_from_application(request, application))


@login_required
@require_POST
def application_choose(request: HttpRequest, pk: int) -> HttpResponse:
    application = permissions.get_application_for_viewer(request.user, pk)
    try:
        services.choose(application, by=request.user)
    except Refused as error:
        return refused(request, error, *_back_from_application(request, application))
    messages.success(request, _("Candidature retenue. Les autres candidats sont prévenus avec égards."))
    return redirect(*_back_from_application(request, application))


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = permissions.get_application_for_viewer(request.user, pk)
    try:
        services.withdraw(application, by=request.user)
    except Refused as error:
        return refused(request, error, application)
    return redirect(application)


@login_required
@require_POST
def application_send(request: HttpRequest, pk: int) -> HttpResponse:
    application = permissions.get_application_for_viewer(request.user, pk)
    send_form = SendApplicationForm(request.POST)
    if send_form.is_valid():
        try:
            services.send_application(application, by=request.user, message=send_form.cleaned_data["message"])
        except Refused as error:
            return refused(request, error, application)
        messages.success(request, _("Candidature envoyée."))
        return redirect(application)
    # The revised message comes back as typed, with the reason beside it.
    messages.error(request, _problems(send_form))
    return _application_page(request, application, send_form=send_form)


def _application_page(request: HttpRequest, application: Application, *, form=None, send_form=None) -> HttpResponse:
    is_mentor = request.user.pk not in (application.applicant_id, application.partner_id, application.mission.client_id)
    return render(
        request,
        "missions/application.html",
        {
            "application": application,
            "thread": application.messages.select_related("author"),
            "form": form or TextForm(),
            "send_form": send_form or SendApplicationForm(initial={"message": application.message}),
            "is_mentor": is_mentor,
        },
    )


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
        except Refused as error:
            form.add_error(None, str(error))
        else:
            return redirect(application)
    return _application_page(request, application, form=form)


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
            "cap": settings.MAX_OPEN_APPLICATIONS,
        },
    )


# --- Delivery, closure, mediation -----------------------------------------------------------


def _problems(form) -> str:
    """A form's errors in one French sentence, for the message at the top of the page."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def _work_page(request: HttpRequest, mission: Mission, *, status: int = 200, **forms) -> HttpResponse:
    """The follow-up page: deliveries, closure, mediation. `forms` replaces the blank form of the action that was
    just refused (bound, so the person's input and the reasons stay on the page)."""
    user = request.user
    is_client = user.pk == mission.client_id
    visible = records.testimonials_visible(mission)
    my_testimonial = mission.testimonials.filter(author=user).first()
    disputes = list(mission.disputes.select_related("opened_by"))
    respond_to = services.dispute_to_answer(mission, user)
    competences = list(mission.competences.all())
    # the member's attestations, each with its signed recommendation if they asked for it
    mine = [] if is_client else list(mission.attestations.filter(member=user).select_related("competence"))
    endorsed = sharing.issued_for(Attestation, [a.pk for a in mine], user) if mine else {}
    my_attestations = [(a, endorsed.get(a.pk)) for a in mine]
    blank = {
        "delivery_form": DeliveryForm(auto_id="delivery-%s"),
        "changes_form": ChangesForm(auto_id="changes-%s"),
        "testimonial_form": TestimonialForm(auto_id="testimonial-%s"),
        "attestation_form": AttestationForm(competences=competences),
        "facts_form": ClientFactsForm(),
        "dispute_form": DisputeForm(auto_id="dispute-%s"),
        "response_form": DisputeResponseForm(
            auto_id="dispute-response-%s", rewriting=bool(respond_to and respond_to.response)
        ),
    }
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
            "my_attestations": my_attestations,
            "facts": getattr(mission, "client_facts", None) if hasattr(mission, "client_facts") else None,
            "disputes": disputes,
            "respond_to": getattr(respond_to, "pk", None),
            "has_urssaf": is_client
            and WorkerProfile.objects.filter(member_id=mission.chosen.applicant_id)
            .exclude(urssaf_attestation="")
            .exists(),
            **blank,
            **forms,
        },
        status=status,
    )


@login_required
@require_safe
def mission_work(request: HttpRequest, pk: int) -> HttpResponse:
    """The mission once attributed: start, deliver, receive, close, testify, attest, mediate (each its own POST)."""
    mission = permissions.get_attributed_mission_for_party(request.user, pk)
    return _work_page(request, mission)


def _invalid(request: HttpRequest, mission: Mission, name: str, form) -> HttpResponse:
    """The form did not validate: the page again, the input kept, the reasons at the top and beside the field."""
    messages.error(request, _problems(form))
    return _work_page(request, mission, **{name: form})


def _done(request: HttpRequest, mission: Mission) -> HttpResponse:
    messages.success(request, _("C'est enregistré."))
    return redirect("missions:work", pk=mission.pk)


@login_required
@require_POST
def work_start(request: HttpRequest, pk: int) -> HttpResponse:
    mission = permissions.get_attributed_mission_for_party(request.user, pk)
    try:
        services.start(mission, by=request.user)
    except Refused as error:
        return refused(request, error, "missions:work", pk=mission.pk)
    return _done(request, mission)


@login_required
@require_POST
def work_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    mission = permissions.get_attributed_mission_for_party(request.user, pk)
    form = DeliveryForm(request.POST, request.FILES, auto_id="delivery-%s")
    if not form.is_valid():
        return _invalid(request, mission, "delivery_form", form)
    try:
        services.deliver(
            mission,
            by=request.user,
            note=form.cleaned_data["note"],
            upload=form.cleaned_data.get("file"),
            content_type=form.content_type,
        )
    except Refused as error:
        return refused(request, error, "missions:work", pk=mission.pk)
    return _done(request, mission)


@login_required
@require_POST
def work_accept(request: HttpRequest, pk: int) -> HttpResponse:
    mission = permissions.get_attributed_mission_for_party(request.user, pk)
    try:
        services.accept_delivery(mission, by=request.user)
    except Refused as error:
        return refused(request, error, "missions:work", pk=mission.pk)
    return _done(request, mission)


@login_required
@require_POST
def work_changes(request: HttpRequest, pk: int) -> HttpResponse:
    mission = permissions.get_attributed_mission_for_party(request.user, pk)
    form = ChangesForm(request.POST, auto_id="changes-%s")
    if not form.is_valid():
        return _invalid(request, mission, "changes_form", form)
    try:
        services.request_changes(mission, by=request.user, answer=form.cleaned_data["text"])
    except Refused as error:
        return refused(request, error, "missions:work", pk=mission.pk)
    return _done(request, mission)


@login_required
@require_POST
def work_testimonial(request: HttpRequest, pk: int) -> HttpResponse:
    mission = permissions.get_attributed_mission_for_party(request.user, pk)
    form = TestimonialForm(request.POST, auto_id="testimonial-%s")
    if not form.is_valid():
        return _invalid(request, mission, "testimonial_form", form)
    try:
        services.write_testimonial(mission, by=request.user, text=form.cleaned_data["text"])
    except Refused as error:
        return refused(request, error, "missions:work", pk=mission.pk)
    return _done(request, mission)


@login_required
@require_POST
def work_attest(request: HttpRequest, pk: int) -> HttpResponse:
    mission = permissions.get_attributed_mission_for_party(request.user, pk)
    form = AttestationForm(request.POST, competences=mission.competences.all())
    if not form.is_valid():
        messages.error(request, _("Répondez pour chaque compétence attendue."))
        return _work_page(request, mission, attestation_form=form)
    try:
        services.attest(mission, form.results(), by=request.user)
    except Refused as error:
        return refused(request, error, "missions:work", pk=mission.pk)
    return _done(request, mission)


@login_required
@require_POST
def work_endorse(request: HttpRequest, pk: int, attestation_pk: int) -> HttpResponse:
    """The member asks for a client's attestation to become a signed recommendation (EndorsementCredential)."""
    mission = permissions.get_attributed_mission_for_party(request.user, pk)
    attestation = get_object_or_404(mission.attestations, pk=attestation_pk, member=request.user)
    try:
        credential = services.request_endorsement(attestation, by=request.user)
    except Refused as error:
        return refused(request, error, "missions:work", pk=mission.pk)
    messages.success(
        request, _("Recommandation signée : elle figure dans vos titres et sur votre mini-site, vérifiable par tous.")
    )
    return redirect("credentials:verify", credential.uuid)


@login_required
@require_POST
def work_facts(request: HttpRequest, pk: int) -> HttpResponse:
    mission = permissions.get_attributed_mission_for_party(request.user, pk)
    form = ClientFactsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez des nombres de jours et de changements valides."))
        return _work_page(request, mission, facts_form=form)
    try:
        services.record_client_facts(mission, by=request.user, **form.cleaned_data)
    except Refused as error:
        return refused(request, error, "missions:work", pk=mission.pk)
    return _done(request, mission)


@login_required
@require_POST
def work_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    mission = permissions.get_attributed_mission_for_party(request.user, pk)
    form = DisputeForm(request.POST, auto_id="dispute-%s")
    if not form.is_valid():
        return _invalid(request, mission, "dispute_form", form)
    try:
        services.open_dispute(mission, by=request.user, reason=form.cleaned_data["text"])
    except Refused as error:
        return refused(request, error, "missions:work", pk=mission.pk)
    return _done(request, mission)


@login_required
@require_POST
def work_dispute_response(request: HttpRequest, pk: int) -> HttpResponse:
    mission = permissions.get_attributed_mission_for_party(request.user, pk)
    dispute = services.dispute_to_answer(mission, request.user)
    if dispute is None:
        messages.error(request, _("Aucune médiation n'attend votre réponse."))
        return redirect("missions:work", pk=mission.pk)
    form = DisputeResponseForm(request.POST, auto_id="dispute-response-%s", rewriting=bool(dispute.response))
    if not form.is_valid():
        return _invalid(request, mission, "response_form", form)
    try:
        services.respond_to_dispute(dispute, by=request.user, text=form.cleaned_data["text"])
    except Refused as error:
        return refused(request, error, "missions:work", pk=mission.pk)
    return _done(request, mission)


@login_required
@require_POST
def work_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    mission = permissions.get_attributed_mission_for_party(request.user, pk)
    dispute = mission.disputes.order_by("-created_at").first()
    if dispute is None:
        messages.error(request, _("Il n'y a pas de médiation à faire appel."))
        return redirect("missions:work", pk=mission.pk)
    try:
        services.appeal(dispute, by=request.user)
    except Refused as error:
        return refused(request, error, "missions:work", pk=mission.pk)
    return _done(request, mission)


@login_required
@require_safe
def delivery_file(request: HttpRequest, pk: int) -> FileResponse:
    delivery = permissions.get_delivery_for_party(request.user, pk)
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
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Merci ! L'équipe va contacter ce client."))
            return redirect("missions:leads")
    mine = Lead.objects.filter(author=request.user)[:50]
    return render(request, "missions/leads.html", {"form": form, "leads": mine})


@login_required
@require_safe
def member_record(request: HttpRequest, member_id: int) -> HttpResponse:
    member = permissions.get_member_for_record_viewer(request.user, member_id)
    return render(request, "missions/record.html", {"member": member, "record": records.member_record(member)})


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
        except Refused as error:
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
            "hourly": euros(mission.hourly_rate_cents),
            "budget": euros(mission.budget_cents),
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
        except Refused as error:
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
        except Refused as error:
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
