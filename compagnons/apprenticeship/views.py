from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from compagnons.apprenticeship import chain, extensions, pairing, permissions, progress, services
from compagnons.apprenticeship.forms import (
    AdoptionForm,
    AnswerForm,
    AssignMentorForm,
    CohortForm,
    CommentForm,
    EnrollForm,
    EvidenceForm,
    GoalForm,
    PathProfileForm,
    RequestMentorForm,
    ReviewEvidenceForm,
    SessionForm,
    StepForm,
)
from compagnons.apprenticeship.models import (
    Cohort,
    DropCause,
    Enrollment,
    Evidence,
    MentoringSession,
    Mentorship,
    MentorshipRequest,
    PlanGoal,
    PlanStep,
)
from compagnons.core import fragments
from compagnons.core.exceptions import Refused
from compagnons.core.ids import parse_page
from compagnons.core.permissions import require_team
from compagnons.core.refusals import refused
from compagnons.core.views import client_ip

# --- Pairing ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def mentor_suggestions(request: HttpRequest) -> HttpResponse:
    if not permissions.can_ask_for_mentor(request.user):
        raise Http404
    form = RequestMentorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_mentor(
                request.user, form.cleaned_data["compagnon"], by=request.user, message=form.cleaned_data["message"]
            )
        except Refused as error:
            return refused(request, error, "apprenticeship:mentor_suggestions")
        messages.success(request, _("Votre demande est envoyée. Le compagnon vous répondra ici."))
        return redirect("apprenticeship:mentor_suggestions")
    current = Mentorship.objects.active().filter(apprentice=request.user).select_related("mentor").first()
    pending = MentorshipRequest.objects.filter(apprentice=request.user).select_related("compagnon")[:10]
    return render(
        request,
        "apprenticeship/mentor_suggestions.html",
        {"suggestions": pairing.suggest_mentors(request.user), "current": current, "requests": pending},
    )


@login_required
@require_safe
def requests_to_answer(request: HttpRequest) -> HttpResponse:
    if not permissions.can_answer_requests(request.user):
        raise Http404
    pending = MentorshipRequest.objects.filter(
        compagnon=request.user, status=MentorshipRequest.Status.PENDING
    ).select_related("apprentice")
    return render(
        request,
        "apprenticeship/requests.html",
        {"pending": pending, "form": AnswerForm(), "spare": pairing.spare_capacity(request.user)},
    )


@login_required
@require_POST
def answer_request(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship_request = permissions.get_request_for_compagnon(request.user, pk)
    form = AnswerForm(request.POST)
    form.is_valid()
    accept = request.POST.get("decision") == "accept"
    try:
        services.answer_request(
            mentorship_request, by=request.user, accept=accept, answer=form.cleaned_data.get("answer", "")
        )
    except Refused as error:
        return refused(request, error, "apprenticeship:requests")
    messages.success(
        request,
        _("Merci : l'apprenti est prévenu.") if not accept else _("Vous accompagnez désormais cet apprenti."),
    )
    return redirect("apprenticeship:requests")


@login_required
@require_http_methods(["GET", "POST"])
def path_profile(request: HttpRequest) -> HttpResponse:
    form = PathProfileForm(request.POST or None, instance=services.profile_of(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Vos préférences sont enregistrées."))
        return redirect("apprenticeship:profile")
    return render(request, "apprenticeship/profile.html", {"form": form})


# --- Sessions -------------------------------------------------------------------------------


@login_required
@fragments.member_page("apprenticeship.sessions")
@require_safe
def sessions(request: HttpRequest) -> HttpResponse:
    user = request.user
    mine = (
        MentoringSession.objects.filter(Q(apprentice=user) | Q(mentor=user))
        .select_related("apprentice", "mentor")
        .prefetch_related("competences")[:100]
    )
    mentorships = Mentorship.objects.active().filter(mentor=user).select_related("apprentice")
    return render(
        request,
        "apprenticeship/sessions.html",
        {"sessions": mine, "mentorships": mentorships, "minutes": progress.training_minutes(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, mentorship_pk: int) -> HttpResponse:
    mentorship = permissions.get_mentorship_for_mentor(request.user, mentorship_pk)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.log_session(
                mentorship,
                by=request.user,
                on=data["date"],
                duration_minutes=data["duration_minutes"],
                mode=data["mode"],
                competences=data["competences"],
                notes=data["notes"],
                next_steps=data["next_steps"],
                next_session_on=data["next_session_on"],
                ip=client_ip(request),
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Séance notée. L'apprenti va la confirmer."))
            return redirect("apprenticeship:sessions")
    return render(request, "apprenticeship/session_form.html", {"form": form, "mentorship": mentorship})


@login_required
@require_POST
def session_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    session = permissions.get_session_for_party(request.user, pk)
    try:
        services.confirm_session(session, by=request.user, ip=client_ip(request))
    except Refused as error:
        return refused(request, error, "apprenticeship:sessions")
    messages.success(request, _("Séance confirmée : elle compte dans vos heures de formation."))
    return redirect("apprenticeship:sessions")


@login_required
@require_http_methods(["GET", "POST"])
def session_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    session = permissions.get_session_for_apprentice(request.user, pk)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dispute_session(session, by=request.user, comment=form.cleaned_data["comment"])
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Contestation enregistrée : l'équipe et votre compagnon la verront."))
            return redirect("apprenticeship:sessions")
    return render(request, "apprenticeship/session_dispute.html", {"form": form, "session": session})


# --- Plan -----------------------------------------------------------------------------------


@login_required
@fragments.member_page("apprenticeship.plan")
@require_safe
def plan(request: HttpRequest, apprentice_pk: int) -> HttpResponse:
    apprentice = permissions.get_apprentice_for_follower(request.user, apprentice_pk)
    goals = list(PlanGoal.objects.filter(apprentice=apprentice).select_related("competence").prefetch_related("steps"))
    # the progress from the steps the page shows anyway (progress.plan_progress would count them again)
    steps = [step for goal in goals for step in goal.steps.all()]
    done, total = sum(step.done for step in steps), len(steps)
    return render(
        request,
        "apprenticeship/plan.html",
        {
            "apprentice": apprentice,
            "goals": goals,
            "done": done,
            "total": total,
            "goal_form": GoalForm(),
            "step_form": StepForm(),
            "sections": extensions.plan_sections(apprentice, request.user),
        },
    )


@login_required
@require_POST
def plan_add_goal(request: HttpRequest, apprentice_pk: int) -> HttpResponse:
    apprentice = permissions.get_apprentice_for_follower(request.user, apprentice_pk)
    form = GoalForm(request.POST)
    if form.is_valid():
        try:
            services.add_goal(
                apprentice,
                form.cleaned_data["competence"],
                by=request.user,
                target_date=form.cleaned_data["target_date"],
            )
        except Refused as error:
            return refused(request, error, "apprenticeship:plan", apprentice_pk=apprentice.pk)
    else:
        messages.error(request, _("Choisissez une compétence et une date valide."))
    return redirect("apprenticeship:plan", apprentice_pk=apprentice.pk)


@login_required
@require_POST
def plan_from_positioning(request: HttpRequest, apprentice_pk: int) -> HttpResponse:
    apprentice = permissions.get_apprentice_for_follower(request.user, apprentice_pk)
    try:
        created = services.goals_from_positioning(apprentice, by=request.user)
    except Refused as error:
        return refused(request, error, "apprenticeship:plan", apprentice_pk=apprentice.pk)
    messages.success(
        request,
        ngettext(
            "%(n)s objectif ajouté depuis le positionnement.",
            "%(n)s objectifs ajoutés depuis le positionnement.",
            len(created),
        )
        % {"n": len(created)},
    )
    return redirect("apprenticeship:plan", apprentice_pk=apprentice.pk)


@login_required
@require_POST
def plan_add_step(request: HttpRequest, goal_pk: int) -> HttpResponse:
    goal = permissions.get_goal_for_follower(request.user, goal_pk)
    form = StepForm(request.POST)
    if form.is_valid():
        services.add_step(goal, form.cleaned_data["label"], by=request.user)
    else:
        messages.error(request, _("Décrivez l'étape."))
    return redirect("apprenticeship:plan", apprentice_pk=goal.apprentice_id)


@login_required
@require_POST
def plan_toggle_step(request: HttpRequest, step_pk: int) -> HttpResponse:
    step = permissions.get_step_for_follower(request.user, step_pk)
    services.set_step_done(step, by=request.user, done=request.POST.get("done") == "1")
    return redirect("apprenticeship:plan", apprentice_pk=step.goal.apprentice_id)


# --- Evidence and carnet de route -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def evidence_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_deposit_evidence(request.user):
        raise Http404
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_evidence(
                request.user,
                by=request.user,
                title=data["title"],
                kind=data["kind"],
                competences=data["competences"],
                upload=data.get("file"),
                content_type=form.content_type,
                link=data.get("link", ""),
                text=data.get("text", ""),
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Preuve déposée. Votre compagnon va l'examiner."))
            return redirect("apprenticeship:evidence_list")
    mine = Evidence.objects.filter(apprentice=request.user).prefetch_related("competences")[:100]
    return render(request, "apprenticeship/evidence_list.html", {"form": form, "evidence_list": mine})


@login_required
@require_http_methods(["GET", "POST"])
def evidence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = permissions.get_evidence_for_viewer(request.user, pk)
    can_review = permissions.can_review_evidence(request.user, evidence)
    form = ReviewEvidenceForm(request.POST or None) if can_review else None
    if request.method == "POST":
        if "resubmit" in request.POST:
            try:
                services.resubmit_evidence(evidence, by=request.user)
            except Refused as error:
                return refused(request, error, "apprenticeship:evidence", pk=evidence.pk)
            return redirect("apprenticeship:evidence", pk=evidence.pk)
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.review_evidence(
                    evidence,
                    by=request.user,
                    validate=form.cleaned_data["decision"] == "validate",
                    comment=form.cleaned_data["comment"],
                    level=form.cleaned_data["level"],
                )
            except Refused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Votre avis est enregistré."))
                return redirect("apprenticeship:evidence", pk=evidence.pk)
    return render(
        request,
        "apprenticeship/evidence_detail.html",
        {"evidence": evidence, "form": form, "competences": evidence.competences.all()},
    )


@login_required
@require_safe
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    evidence = permissions.get_evidence_for_viewer(request.user, pk)
    if not evidence.file:
        raise Http404
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.file_name or "preuve",
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@fragments.member_page("apprenticeship.carnet")
@require_safe
def carnet(request: HttpRequest, apprentice_pk: int) -> HttpResponse:
    apprentice = permissions.get_apprentice_for_follower(request.user, apprentice_pk)
    return render(
        request,
        "apprenticeship/carnet.html",
        {
            "apprentice": apprentice,
            "blocks": progress.carnet(apprentice),
            "sections": extensions.carnet_sections(apprentice, request.user),
        },
    )


# --- Stages -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def adoption(request: HttpRequest, apprentice_pk: int) -> HttpResponse:
    apprentice = permissions.get_apprentice_for_adoption(request.user, apprentice_pk)
    form = AdoptionForm(request.POST or None, apprentice=apprentice)
    if request.method == "POST" and form.is_valid():
        try:
            piece = services.record_adoption_piece(
                apprentice,
                by=request.user,
                description=form.cleaned_data["description"],
                evidence=form.cleaned_data["evidence"],
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            if piece.confirmed_at:
                messages.success(
                    request,
                    _("Travail d'adoption enregistré : %(name)s est aspirant·e.") % {"name": apprentice.display_name},
                )
            else:
                messages.success(request, _("Travail d'adoption enregistré : l'équipe va le confirmer."))
            return redirect("accounts:dashboard")
    return render(request, "apprenticeship/adoption.html", {"form": form, "apprentice": apprentice})


@login_required
@require_POST
def adoption_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    piece = permissions.get_adoption_piece_for_staff(request.user, pk)
    try:
        services.confirm_adoption_piece(piece, by=request.user)
    except Refused as error:
        return refused(request, error, "apprenticeship:cohort", pk=piece.enrollment.cohort_id)
    messages.success(request, _("Confirmé : l'apprenti est désormais aspirant·e."))
    return redirect("apprenticeship:cohort", pk=piece.enrollment.cohort_id)


# --- Cohorts ----------------------------------------------------------------------------------


@login_required
@require_safe
def open_cohorts(request: HttpRequest) -> HttpResponse:
    cohorts = Cohort.objects.filter(open_for_requests=True, ends_on__gte=timezone.localdate()).select_related(
        "formateur"
    )
    mine = set(Enrollment.objects.filter(member=request.user).values_list("cohort_id", flat=True))
    return render(request, "apprenticeship/open_cohorts.html", {"cohorts": cohorts, "mine": mine})


@login_required
@require_POST
def cohort_request(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort, pk=pk)
    try:
        services.request_enrollment(cohort, request.user)
    except Refused as error:
        return refused(request, error, "apprenticeship:open_cohorts")
    messages.success(request, _("Demande envoyée : l'équipe vous répondra."))
    return redirect("apprenticeship:open_cohorts")


@login_required
@require_http_methods(["GET", "POST"])
def cohorts(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cohort = services.save_cohort(form.instance, by=request.user)
        messages.success(request, _("Promotion créée."))
        return redirect(cohort)
    listing = Cohort.objects.annotate(
        active=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.ACTIVE)),
        requested=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.REQUESTED)),
    ).select_related("formateur")
    return render(request, "apprenticeship/cohorts.html", {"cohorts": listing, "form": form})


@login_required
@fragments.member_page("apprenticeship.cohort")
@require_http_methods(["GET", "POST"])
def cohort(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = permissions.get_cohort_for_staff(request.user, pk)
    enroll_form = EnrollForm(request.POST or None)
    if request.method == "POST" and enroll_form.is_valid():
        try:
            services.enroll(cohort, enroll_form.member, by=request.user)
        except Refused as error:
            return refused(request, error, cohort)
        messages.success(request, _("Membre inscrit·e."))
        return redirect(cohort)
    cutoff = services.inactivity_cutoff()
    # One subquery per figure: joining sessions and plan steps together would multiply the sums.
    member = OuterRef("member")
    confirmed = MentoringSession.objects.filter(apprentice=member, status=MentoringSession.Status.CONFIRMED)
    steps = PlanStep.objects.filter(goal__apprentice=member)
    roster = (
        Enrollment.objects.filter(cohort=cohort)
        .exclude(status=Enrollment.Status.REQUESTED)
        .select_related("member", "adoption_piece")
        .annotate(
            minutes=Subquery(
                confirmed.values("apprentice").annotate(total=Sum("duration_minutes")).values("total")[:1]
            ),
            steps_total=Subquery(steps.values("goal__apprentice").annotate(n=Count("pk")).values("n")[:1]),
            steps_done=Subquery(
                steps.filter(done=True).values("goal__apprentice").annotate(n=Count("pk")).values("n")[:1]
            ),
        )
        .order_by("member__last_name", "member__first_name")
    )
    requested = Enrollment.objects.filter(cohort=cohort, status=Enrollment.Status.REQUESTED).select_related("member")
    return render(
        request,
        "apprenticeship/cohort.html",
        {
            "cohort": cohort,
            "roster": roster,
            "requested": requested,
            "enroll_form": enroll_form,
            "cutoff": cutoff,
            "drop_form": CommentForm(),
            "drop_causes": DropCause.choices,
        },
    )


@login_required
@require_POST
def enrollment_accept(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = permissions.get_enrollment_for_staff(request.user, pk)
    try:
        services.accept_enrollment(enrollment, by=request.user)
    except Refused as error:
        return refused(request, error, "apprenticeship:cohort", pk=enrollment.cohort_id)
    return redirect("apprenticeship:cohort", pk=enrollment.cohort_id)


@login_required
@require_POST
def enrollment_drop(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = permissions.get_enrollment_for_staff(request.user, pk)
    form = CommentForm(request.POST)
    try:
        services.drop_out(
            enrollment,
            by=request.user,
            reason=request.POST.get("comment", "") if form.is_valid() else "",
            cause=request.POST.get("cause") or DropCause.OTHER,
        )
    except Refused as error:
        return refused(request, error, "apprenticeship:cohort", pk=enrollment.cohort_id)
    messages.success(request, _("Abandon enregistré."))
    return redirect("apprenticeship:cohort", pk=enrollment.cohort_id)


@login_required
@require_http_methods(["GET", "POST"])
def enrollment_mentor(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff assign a compagnon to an enrolled apprentice, with the ranked suggestions beside the choice."""
    enrollment = permissions.get_enrollment_for_staff(request.user, pk)
    form = AssignMentorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_mentor(
                enrollment.member, form.cleaned_data["mentor"], by=request.user, reason=form.cleaned_data["reason"]
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Compagnon attribué."))
            return redirect("apprenticeship:cohort", pk=enrollment.cohort_id)
    current = Mentorship.objects.active().filter(apprentice=enrollment.member).select_related("mentor").first()
    return render(
        request,
        "apprenticeship/assign_mentor.html",
        {
            "enrollment": enrollment,
            "form": form,
            "current": current,
            "suggestions": pairing.suggest_mentors(enrollment.member),
        },
    )


# --- La chaîne ----------------------------------------------------------------------------------


@fragments.public_page("chain")
@require_safe
def chain_page(request: HttpRequest) -> HttpResponse:
    page = parse_page(request.GET.get("page"))
    firsts, pages = chain.roots(for_member=request.user.is_authenticated, page=page)
    return render(
        request,
        "apprenticeship/chain.html",
        {"roots": firsts, "generations": chain.depth(firsts), "page": page, "pages": pages},
    )


@require_safe
def chain_branch(request: HttpRequest, member_id: int) -> HttpResponse:
    branch = chain.subtree(member_id, for_member=request.user.is_authenticated)
    if branch is None:
        raise Http404
    return render(request, "apprenticeship/chain_branch.html", {"link": branch})
