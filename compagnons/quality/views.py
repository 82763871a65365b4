"""Qualiopi evidence pages: satisfaction surveys, the complaints register, improvement actions, attendance sheets,
audit dossiers. Staff pages answer 403 to others (require_team); personal pages 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from compagnons.apprenticeship.models import Cohort, Enrollment
from compagnons.core import audit, fragments, tokens
from compagnons.core.exceptions import Refused
from compagnons.core.permissions import require_team
from compagnons.core.refusals import refused
from compagnons.core.views import client_ip
from compagnons.quality import exports, figures, links, permissions, services
from compagnons.quality.forms import (
    ActionFilterForm,
    ActionForm,
    AnswerForm,
    AssignForm,
    ComplaintFilterForm,
    ComplaintForm,
    ExportForm,
    PeriodForm,
    SurveyForm,
)
from compagnons.quality.models import SATISFIED_FROM, AuditExport, Complaint, ImprovementAction, Survey

PAGE_SIZE = 25
COHORTS_PER_PAGE = 10


# --- Satisfaction surveys -------------------------------------------------------------------------


def _survey_page(request: HttpRequest, survey: Survey, *, by, action: str) -> HttpResponse:
    form = SurveyForm(request.POST if request.method == "POST" else None, survey=survey)
    if request.method == "POST" and survey.answered_at is None and form.is_valid():
        try:
            services.answer_survey(survey, form.cleaned_data, by=by)
        except Refused as error:
            form.add_error(None, str(error))
        else:
            return render(request, "quality/survey_thanks.html", {"survey": survey})
    closed = survey.answered_at is None and survey.closes_at <= timezone.now()
    return render(request, "quality/survey.html", {"survey": survey, "form": form, "action": action, "closed": closed})


@login_required
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    """The logged-in person's own survey (the dashboard lists the pending ones)."""
    found = permissions.get_survey_for_person(request.user, pk)
    return _survey_page(request, found, by=request.user, action=request.path)


@require_http_methods(["GET", "POST"])
def survey_link(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The personal link from the e-mail: no login, the signed token names this survey and this person."""
    found = get_object_or_404(Survey.objects.select_related("cohort", "mission", "person"), pk=pk)
    try:
        links.check_survey_token(found, token)
    except tokens.InvalidLink as error:
        return tokens.refused(request, error)
    return _survey_page(request, found, by=None, action=request.path)


# --- Complaints: public form, the member's own, the staff register ---------------------------------


@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    member = request.user if request.user.is_authenticated else None
    form = ComplaintForm(request.POST if request.method == "POST" else None, member=member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.file_complaint(
                by=member,
                kind=data["kind"],
                topic=data["topic"],
                subject=data["subject"],
                body=data["body"],
                name=data.get("name", ""),
                email=data.get("email", ""),
                ip=client_ip(request),
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Votre message est enregistré sous le numéro %(number)s. Un accusé de réception vous est envoyé.")
                % {"number": complaint.number},
            )
            return redirect("quality:my_complaints" if member else "quality:complaint_new")
    return render(
        request,
        "quality/complaint_form.html",
        {"form": form, "delay": services.complaint_delay().days},
    )


@login_required
@require_safe
def my_complaints(request: HttpRequest) -> HttpResponse:
    complaints = Complaint.objects.filter(filer=request.user).order_by("-received_at")[:100]
    return render(request, "quality/my_complaints.html", {"complaints": complaints})


@login_required
@fragments.member_page("quality.complaints")
@require_safe
def complaints(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    form = ComplaintFilterForm(request.GET or None)
    listing = Complaint.objects.select_related("owner", "filer").order_by("-received_at", "-pk")
    filters = form.cleaned_data if form.is_valid() else {}
    if filters.get("status"):
        listing = listing.filter(status=filters["status"])
    if filters.get("overdue"):
        listing = listing.overdue()
    page = Paginator(listing, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "quality/complaints.html",
        {"form": form, "page": page, "counts": figures.complaint_counts(), "query": query.urlencode()},
    )


def _complaint_page(
    request: HttpRequest,
    found: Complaint,
    *,
    assign_form: AssignForm | None = None,
    answer_form: AnswerForm | None = None,
) -> HttpResponse:
    """The complaint and its two forms; a form that came back invalid is shown bound, with the person's input."""
    return render(
        request,
        "quality/complaint.html",
        {
            "complaint": found,
            "assign_form": assign_form or AssignForm(initial={"owner": found.owner_id}),
            "answer_form": answer_form or AnswerForm(),
            "actions": found.actions.select_related("owner"),
        },
    )


@login_required
@require_safe
def complaint(request: HttpRequest, pk: int) -> HttpResponse:
    require_team(request.user)
    return _complaint_page(request, permissions.get_complaint_for_staff(request.user, pk))


@login_required
@require_POST
def complaint_assign(request: HttpRequest, pk: int) -> HttpResponse:
    require_team(request.user)
    found = permissions.get_complaint_for_staff(request.user, pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un membre de l'équipe."))
        return _complaint_page(request, found, assign_form=form)
    try:
        services.assign_complaint(found, form.cleaned_data["owner"], by=request.user)
    except Refused as error:
        return refused(request, error, found)
    messages.success(request, _("Responsable enregistré·e."))
    return redirect(found)


@login_required
@require_POST
def complaint_answer(request: HttpRequest, pk: int) -> HttpResponse:
    require_team(request.user)
    found = permissions.get_complaint_for_staff(request.user, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("La réponse n'est pas partie : corrigez-la ci-dessous."))
        return _complaint_page(request, found, answer_form=form)
    try:
        services.answer_complaint(found, form.cleaned_data["answer"], by=request.user)
    except Refused as error:
        return refused(request, error, found)
    messages.success(request, _("Réponse enregistrée et envoyée par e-mail."))
    return redirect(found)


@login_required
@require_POST
def complaint_close(request: HttpRequest, pk: int) -> HttpResponse:
    require_team(request.user)
    found = permissions.get_complaint_for_staff(request.user, pk)
    try:
        services.close_complaint(found, by=request.user)
    except Refused as error:
        return refused(request, error, found)
    messages.success(request, _("Réclamation close."))
    return redirect(found)


# --- Improvement actions -------------------------------------------------------------------------


@login_required
@fragments.member_page("quality.actions")
@require_safe
def actions(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    form = ActionFilterForm(request.GET or None)
    listing = ImprovementAction.objects.select_related("owner", "complaint").order_by("due_on", "pk")
    filters = form.cleaned_data if form.is_valid() else {}
    if filters.get("status"):
        listing = listing.filter(status=filters["status"])
    if filters.get("overdue"):
        listing = listing.overdue()
    page = Paginator(listing, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "quality/actions.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
@require_http_methods(["GET", "POST"])
def action_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_team(request.user)
    instance = None
    if pk is not None:
        instance = get_object_or_404(ImprovementAction.objects.select_related("complaint"), pk=pk)
    initial = {}
    number = request.GET.get("reclamation", "")
    if instance is None and number:
        initial = {"cause": ImprovementAction.Cause.COMPLAINT, "complaint_number": number}
    form = ActionForm(request.POST or None, instance=instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_action(form.instance, by=request.user)
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Action enregistrée."))
            return redirect("quality:actions")
    return render(request, "quality/action_form.html", {"form": form, "action": instance})


# --- Attendance sheets ----------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[PeriodForm, dict]:
    form = PeriodForm(request.GET or None)
    return form, (form.cleaned_data if form.is_valid() else {})


@login_required
@fragments.member_page("quality.attendance")
@require_safe
def attendance(request: HttpRequest, apprentice_pk: int) -> HttpResponse:
    apprentice = permissions.get_apprentice_for_attendance(request.user, apprentice_pk)
    form, period = _period(request)
    context = exports.attendance_context(apprentice, period.get("du"), period.get("au"))
    query = request.GET.urlencode() if form.is_valid() else ""
    return render(request, "quality/attendance.html", {**context, "form": form, "query": query})


@login_required
@require_safe
def attendance_pdf(request: HttpRequest, apprentice_pk: int) -> HttpResponse:
    apprentice = permissions.get_apprentice_for_attendance(request.user, apprentice_pk)
    form, period = _period(request)
    if not form.is_valid() and request.GET:
        return redirect("quality:attendance", apprentice_pk=apprentice.pk)
    pdf = exports.attendance_pdf(exports.attendance_context(apprentice, period.get("du"), period.get("au")))
    audit.log(request.user, "quality.attendance_downloaded", apprentice)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="emargement-{apprentice.pk}.pdf"'
    return response


# --- Staff overview, satisfaction, hours ------------------------------------------------------------


@login_required
@fragments.member_page("quality.home")
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    recent = list(Cohort.objects.order_by("-starts_on", "name").values_list("pk", flat=True)[:6])
    return render(request, "quality/home.html", figures.dashboard_context(recent))


@login_required
@fragments.member_page("quality.satisfaction")
@require_safe
def satisfaction(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    page = Paginator(Cohort.objects.order_by("-starts_on", "name").values_list("pk", flat=True), COHORTS_PER_PAGE)
    page = page.get_page(request.GET.get("page"))
    return render(
        request,
        "quality/satisfaction.html",
        {
            "page": page,
            "cohorts": figures.cohorts_with_results(list(page.object_list)),
            "missions": figures.mission_satisfaction(),
            "satisfied_from": SATISFIED_FROM,
        },
    )


@login_required
@fragments.member_page("quality.hours")
@require_safe
def hours(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    page = Paginator(Cohort.objects.order_by("-starts_on", "name"), COHORTS_PER_PAGE).get_page(request.GET.get("page"))
    found = figures.cohort_hours([c.pk for c in page.object_list])
    return render(request, "quality/hours.html", {"page": page, "rows": [(c, found[c.pk]) for c in page]})


# --- Audit dossiers ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def export_list(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    form = ExportForm(request.POST if "apprentice" in request.POST else None)
    if request.method == "POST":
        if "association" in request.POST:
            export = services.request_export(by=request.user)
            return redirect(export)
        if "apprentice" in request.POST and form.is_valid():
            export = services.request_export(by=request.user, apprentice=form.member)
            return redirect(export)
    recent = AuditExport.objects.select_related("apprentice", "requested_by")[:20]
    return render(request, "quality/exports.html", {"form": form, "exports": recent})


@login_required
@require_POST
def export_apprentice(request: HttpRequest, apprentice_pk: int) -> HttpResponse:
    """From an apprentice's attendance page: build their dossier."""
    require_team(request.user)
    apprentice = permissions.get_apprentice_for_attendance(request.user, apprentice_pk)
    if not Enrollment.objects.filter(member=apprentice).exists():  # as the dossier form: a path to put in it
        raise Http404
    return redirect(services.request_export(by=request.user, apprentice=apprentice))


@login_required
@require_safe
def export(request: HttpRequest, pk: int) -> HttpResponse:
    require_team(request.user)
    found = permissions.get_export_for_staff(request.user, pk)
    return render(request, "quality/export.html", {"export": found})


@login_required
@require_safe
def export_file(request: HttpRequest, pk: int) -> FileResponse:
    require_team(request.user)
    found = permissions.get_export_for_staff(request.user, pk)
    if not found.ready:
        raise Http404
    audit.log(request.user, "quality.dossier_downloaded", found)
    response = FileResponse(found.file.open("rb"), as_attachment=True, filename=found.filename())
    response["X-Content-Type-Options"] = "nosniff"
    return response
