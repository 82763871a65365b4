from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from compagnons.certification import permissions, services
from compagnons.certification.forms import (
    AppealAnswerForm,
    CandidateForm,
    DecisionForm,
    GridForm,
    JurySessionForm,
    MasterpieceForm,
    MemberForm,
    TextForm,
)
from compagnons.certification.models import Candidacy, Decision, JurySession, Masterpiece, Route
from compagnons.core import fragments
from compagnons.core.exceptions import Refused
from compagnons.core.pdf import render_pdf
from compagnons.core.permissions import is_team, require_team
from compagnons.core.refusals import refused
from compagnons.credentials.models import IssuedCredential
from compagnons.skills.models import Certification

# --- Candidates ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def masterpiece(request: HttpRequest, route: str = Route.PATH) -> HttpResponse:
    form = MasterpieceForm(request.POST or None, candidate=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.declare_masterpiece(
                request.user,
                certification=Certification.objects.current(),
                title=data["title"],
                account=data["account"],
                competences=data["competences"],
                mission=data["mission"],
                route=route,
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Votre dossier est déposé : l'équipe le présentera à un jury.")
                if route == Route.VAE
                else _("Chef-d'œuvre présenté : votre compagnon va confirmer qu'il est prêt pour le jury."),
            )
            return redirect("certification:mine")
    return render(request, "certification/masterpiece_form.html", {"form": form, "route": route})


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    masterpieces = Masterpiece.objects.filter(candidate=request.user)
    decisions = Decision.objects.filter(candidate=request.user).select_related("candidacy__session")
    to_confirm = Masterpiece.objects.filter(
        status=Masterpiece.Status.SUBMITTED,
        candidate__mentorships_as_apprentice__mentor=request.user,
        candidate__mentorships_as_apprentice__ended_at__isnull=True,
    ).select_related("candidate")
    return render(
        request,
        "certification/mine.html",
        {"masterpieces": masterpieces, "decisions": decisions, "to_confirm": to_confirm},
    )


@login_required
@require_POST
def masterpiece_ready(request: HttpRequest, pk: int) -> HttpResponse:
    masterpiece = permissions.get_masterpiece_for_mentor(request.user, pk)
    try:
        services.confirm_ready(masterpiece, by=request.user)
    except Refused as error:
        return refused(request, error, "certification:mine")
    messages.success(request, _("Confirmé : le chef-d'œuvre est prêt pour le jury."))
    return redirect("certification:mine")


@login_required
@fragments.member_page("certification.decision")
@require_http_methods(["GET", "POST"])
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    decision = permissions.get_decision_for_viewer(request.user, pk)
    user = request.user
    is_candidate = user.pk == decision.candidate_id
    case = getattr(decision, "appeal", None) if hasattr(decision, "appeal") else None
    can_answer = permissions.can_answer_appeal(user, decision)
    if case is not None and can_answer:
        form = AppealAnswerForm(request.POST or None, decision=decision)
    else:
        form = TextForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if is_candidate:
                services.appeal(decision, by=user, reason=form.cleaned_data["text"])
                messages.success(request, _("Votre appel est enregistré : l'équipe vous répondra."))
            elif case is not None:
                services.answer_appeal(
                    case, by=user, answer=form.cleaned_data["text"], withdraw=form.cleaned_data.get("withdraw") or ()
                )
            else:
                raise Http404
        except Refused as error:
            form.add_error(None, str(error))
        else:
            return redirect("certification:decision", pk=decision.pk)
    return render(
        request,
        "certification/decision.html",
        {
            "decision": decision,
            "blocks": decision.blocks.select_related("block"),
            "appeal_case": case,
            "form": form,
            "is_candidate": is_candidate,
            "can_answer": can_answer,
            "answering": isinstance(form, AppealAnswerForm),
            "credentials": IssuedCredential.objects.filter(
                member=decision.candidate,
                evidence_type=ContentType.objects.get_for_model(Decision),
                evidence_id=decision.pk,
            ),
        },
    )


# --- Jury members ---------------------------------------------------------------------------


@login_required
@fragments.member_page("certification.my_juries")
@require_safe
def my_juries(request: HttpRequest) -> HttpResponse:
    seats = request.user.jury_seats.select_related("session")
    return render(request, "certification/my_juries.html", {"seats": seats})


def _jury_room(request: HttpRequest, session: JurySession, *, member_form=None, candidate_form=None) -> HttpResponse:
    """The jury's room: members declare, evaluate, confirm the minutes; staff compose and decide. A form refused
    comes back as it was filled."""
    decided = {d.candidacy_id: d for d in Decision.objects.filter(candidacy__session=session)}
    candidacies = [(c, decided.get(c.pk)) for c in session.candidacies.select_related("masterpiece__candidate")]
    return render(
        request,
        "certification/jury.html",
        {
            "session": session,
            "seat": services.seat_of(request.user, session),
            "members": session.members.select_related("user"),
            "candidacies": candidacies,
            "blocks": session.certification.blocks.all(),
            "problems": services.composition_problems(session),
            "member_form": member_form or MemberForm(),
            "candidate_form": candidate_form or CandidateForm(),
            "is_staff": is_team(request.user),
        },
    )


@login_required
@fragments.member_page("certification.jury")
@require_safe
def jury(request: HttpRequest, pk: int) -> HttpResponse:
    return _jury_room(request, permissions.get_session_for_insider(request.user, pk))


def _seat_action(request: HttpRequest, pk: int, action) -> HttpResponse:
    session = permissions.get_session_for_insider(request.user, pk)
    seat = services.seat_of(request.user, session)
    if seat is None:
        raise Http404
    try:
        action(seat, by=request.user)
    except Refused as error:
        return refused(request, error, "certification:jury", pk=session.pk)
    messages.success(request, _("C'est enregistré."))
    return redirect("certification:jury", pk=session.pk)


@login_required
@require_POST
def jury_declare(request: HttpRequest, pk: int) -> HttpResponse:
    """A member declares no conflict of interest with the candidates."""
    return _seat_action(request, pk, services.declare_no_conflict)


@login_required
@require_POST
def jury_confirm_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    return _seat_action(request, pk, services.confirm_minutes)


@login_required
@require_POST
def jury_add_member(request: HttpRequest, pk: int) -> HttpResponse:
    session = permissions.get_session_for_insider(request.user, pk)
    require_team(request.user)  # composing the jury is the team's work
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            services.add_member(
                session,
                form.user,
                by=request.user,
                is_external=form.cleaned_data["is_external"],
                profession=form.cleaned_data["profession"],
            )
        except Refused as error:
            messages.error(request, str(error))  # said at the top of the page; the form keeps what was typed
        else:
            messages.success(request, _("C'est enregistré."))
            return redirect("certification:jury", pk=session.pk)
    return _jury_room(request, session, member_form=form)


@login_required
@require_POST
def jury_add_candidate(request: HttpRequest, pk: int) -> HttpResponse:
    session = permissions.get_session_for_insider(request.user, pk)
    require_team(request.user)  # composing the jury is the team's work
    form = CandidateForm(request.POST)
    if form.is_valid():
        try:
            services.add_candidate(session, form.cleaned_data["masterpiece"], by=request.user)
        except Refused as error:
            messages.error(request, str(error))  # said at the top of the page; the form keeps what was typed
        else:
            messages.success(request, _("C'est enregistré."))
            return redirect("certification:jury", pk=session.pk)
    return _jury_room(request, session, candidate_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def grid(request: HttpRequest, candidacy_pk: int, block_pk: int) -> HttpResponse:
    candidacy = get_object_or_404(
        Candidacy.objects.select_related("masterpiece__candidate", "session"), pk=candidacy_pk
    )
    session = permissions.get_session_for_insider(request.user, candidacy.session_id)
    seat = services.seat_of(request.user, session)
    if seat is None:
        raise Http404
    block = get_object_or_404(session.certification.blocks.prefetch_related("competences"), pk=block_pk)
    criteria = [f"{c.code} — {criterion}" for c in block.competences.all() for criterion in c.criteria]
    existing = candidacy.evaluations.filter(member=seat, block=block).first()
    initial = (
        {
            "criteria_met": existing.criteria_met,
            "proposes_validation": existing.proposes_validation,
            "comment": existing.comment,
        }
        if existing
        else None
    )
    form = GridForm(request.POST or None, criteria=criteria, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluate(
                candidacy,
                block,
                by=request.user,
                criteria_met=form.cleaned_data["criteria_met"],
                proposes_validation=form.cleaned_data["proposes_validation"],
                comment=form.cleaned_data["comment"],
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Grille enregistrée."))
            return redirect("certification:jury", pk=session.pk)
    return render(
        request, "certification/grid.html", {"candidacy": candidacy, "bloc": block, "form": form, "session": session}
    )


# --- Staff ----------------------------------------------------------------------------------


@login_required
@fragments.member_page("certification.juries")
@require_http_methods(["GET", "POST"])
def juries(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    form = JurySessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.organised_by = request.user
        session = form.save()
        messages.success(request, _("Session créée : composez le jury."))
        return redirect(session)
    return render(
        request,
        "certification/juries.html",
        {"sessions": JurySession.objects.select_related("certification")[:100], "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, candidacy_pk: int) -> HttpResponse:
    candidacy = permissions.get_candidacy_for_staff(request.user, candidacy_pk)
    already = services.validated_blocks(candidacy.masterpiece.candidate)
    blocks = [b for b in candidacy.masterpiece.certification.blocks.all() if b.pk not in already]
    form = DecisionForm(request.POST or None, blocks=blocks)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decide(candidacy, form.results(), by=request.user, reasons=form.cleaned_data["reasons"])
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Décision enregistrée ; le candidat est prévenu."))
            return redirect("certification:decision", pk=decision.pk)
    evaluations = candidacy.evaluations.select_related("member__user", "block")
    return render(
        request,
        "certification/decide.html",
        {"candidacy": candidacy, "form": form, "evaluations": evaluations, "already": already},
    )


@login_required
@require_safe
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The procès-verbal, a real PDF (core.pdf: relative links resolve against SITE_URL)."""
    session = permissions.get_session_for_insider(request.user, pk)
    pdf = render_pdf(
        "certification/minutes.html",
        {
            "session": session,
            "members": session.members.select_related("user"),
            "decisions": Decision.objects.filter(candidacy__session=session)
            .select_related("candidate")
            .prefetch_related("blocks__block"),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="proces-verbal-jury-{session.pk}.pdf"'
    return response
