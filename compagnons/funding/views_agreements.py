"""Pages of the plans and agreements half: funding plans, agreements, certificates and the BPF (staff, under
/equipe/financement/), and a member's own documents (/mon-financement/). Views are thin: the services decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from compagnons.core import fragments
from compagnons.core.exceptions import Refused
from compagnons.core.permissions import is_team, require_team
from compagnons.core.refusals import refused
from compagnons.core.views import client_ip
from compagnons.funding import plans
from compagnons.funding.forms_agreements import (
    AgreementForm,
    PeriodForm,
    PlanFilterForm,
    PriceForm,
    SignedCopyForm,
    SourceForm,
    YearForm,
)

# --- Funding plans ------------------------------------------------------------------------------


@login_required
@fragments.member_page("funding.plans_list", filters=("gap",))
@require_safe
def plans_list(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    form = PlanFilterForm(request.GET or None)
    cohort = gap = None
    if form.is_valid():
        cohort, gap = form.cleaned_data["cohort"], form.cleaned_data["gap"]
    rows = plans.enrollments_with_plans(cohort.pk if cohort else None, gap_only=bool(gap))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "funding/plans_list.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, enrollment_pk: int) -> HttpResponse:
    enrollment, plan = plans.get_plan_for_team(request.user, enrollment_pk)
    price_form = PriceForm(request.POST or None, initial={"price": plan.price if plan else None})
    if request.method == "POST" and price_form.is_valid():
        try:
            if plan is None:
                plans.create_plan(enrollment, price=price_form.cleaned_data["price"], by=request.user)
                messages.success(request, _("Plan de financement créé : ajoutez ses sources."))
            else:
                plans.change_price(plan, price=price_form.cleaned_data["price"], by=request.user)
                messages.success(request, _("Prix enregistré."))
        except Refused as error:
            price_form.add_error("price", str(error))
        else:
            return redirect("funding:plan", enrollment_pk=enrollment.pk)
    return _plan_page(request, enrollment, plan, price_form=price_form, source_form=SourceForm())


def _plan_page(request, enrollment, plan, *, price_form, source_form, status=200) -> HttpResponse:
    from compagnons.funding.models import TrainingAgreement

    agreements = TrainingAgreement.objects.filter(enrollment=enrollment).order_by("created_at", "pk")
    certificates = enrollment.completion_certificates.order_by("period_start", "pk")
    return render(
        request,
        "funding/plans_detail.html",
        {
            "enrollment": enrollment,
            "plan": plan,
            "sources": list(plan.sources.all()) if plan else [],
            "price_form": price_form,
            "source_form": source_form,
            "agreements": agreements,
            "certificates": certificates,
        },
        status=status,
    )


@login_required
@require_POST
def source_add(request: HttpRequest, enrollment_pk: int) -> HttpResponse:
    enrollment, plan = plans.get_plan_for_team(request.user, enrollment_pk)
    form = SourceForm(request.POST)
    if plan is None:
        messages.error(request, _("Indiquez d'abord le prix de la formation."))
        return redirect("funding:plan", enrollment_pk=enrollment.pk)
    if form.is_valid():
        try:
            plans.add_source(plan, by=request.user, **form.cleaned_data)
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Source ajoutée."))
            return redirect("funding:plan", enrollment_pk=enrollment.pk)
    return _plan_page(request, enrollment, plan, price_form=PriceForm(initial={"price": plan.price}), source_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def source_change(request: HttpRequest, pk: int) -> HttpResponse:
    source = plans.get_source_for_team(request.user, pk)
    form = SourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        try:
            plans.change_source(source, by=request.user, **form.cleaned_data)
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Source modifiée."))
            return redirect("funding:plan", enrollment_pk=source.plan.enrollment_id)
    return render(request, "funding/plans_source.html", {"form": form, "source": source})


# --- Agreements ---------------------------------------------------------------------------------


def _agreement_data(cleaned: dict) -> dict:
    from compagnons.accounts.models import User

    data = dict(cleaned)
    email = data.pop("party_email", "")
    data["party_user"] = User.objects.filter(email__iexact=email).first() if email else None
    if email and data["party_user"] is None:
        raise Refused(
            _("Aucun compte n'a l'adresse %(email)s : laissez vide et déposez la copie signée.") % {"email": email}
        )
    return data


@login_required
@require_http_methods(["GET", "POST"])
def agreement_new(request: HttpRequest, enrollment_pk: int) -> HttpResponse:
    from compagnons.funding import agreements

    enrollment, plan = plans.get_plan_for_team(request.user, enrollment_pk)
    initial = {
        "starts_on": enrollment.cohort.starts_on,
        "ends_on": enrollment.cohort.ends_on,
        "price": plan.price if plan else None,
        "objective": _("Obtenir la certification « %(name)s » par un parcours accompagné par un compagnon.")
        % {"name": enrollment.cohort.certification.name},
        "means": _(
            "Séances individuelles avec un compagnon (visio ou présentiel), capsules d'apprentissage en ligne, "
            "simulations débriefées, missions accompagnées ; suivi par l'équipe pédagogique."
        ),
        "payment_terms": _("Paiement par virement à réception de facture, selon l'échéancier ci-dessous."),
    }
    form = AgreementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = agreements.create_agreement(enrollment, by=request.user, **_agreement_data(form.cleaned_data))
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Document établi : il attend les signatures."))
            return redirect("funding:agreement", pk=agreement.pk)
    return render(request, "funding/agreement_form.html", {"form": form, "enrollment": enrollment, "amends": None})


@login_required
@require_safe
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from compagnons.funding import agreements

    agreement = agreements.get_agreement_for_viewer(request.user, pk)
    return render(
        request,
        "funding/agreement_detail.html",
        {
            "a": agreement,
            "team": is_team(request.user),
            "may_sign": agreement.status == "awaiting"
            and agreement.party_user_id == request.user.pk
            and not agreement.party_signed_at,
            "upload_form": SignedCopyForm(),
            "amendments": agreement.amendments.all(),
        },
    )


@login_required
@require_safe
def agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from compagnons.funding import agreements

    agreement = agreements.get_agreement_for_viewer(request.user, pk)
    if agreement.signed_pdf:
        response = FileResponse(
            agreement.signed_pdf.open("rb"),
            as_attachment=True,
            filename=f"{agreement.number}.pdf",
            content_type="application/pdf",
        )
    else:
        response = HttpResponse(agreements.agreement_pdf(agreement), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{agreement.number}-projet.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_safe
def agreement_signed_copy(request: HttpRequest, pk: int) -> HttpResponse:
    from compagnons.funding import agreements

    agreement = agreements.get_agreement_for_viewer(request.user, pk)
    if not agreement.signed_copy:
        raise Http404
    extension = agreement.signed_copy.name.rsplit(".", 1)[-1]
    response = FileResponse(
        agreement.signed_copy.open("rb"),
        as_attachment=True,
        filename=f"{agreement.number}-copie-signee.{extension}",
        content_type=agreement.signed_copy_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def agreement_sign(request: HttpRequest, pk: int) -> HttpResponse:
    from compagnons.funding import agreements

    agreement = agreements.get_agreement_for_viewer(request.user, pk)
    try:
        if is_team(request.user) and request.POST.get("side") == "organisation":
            agreements.sign_for_organisation(agreement, by=request.user, ip=client_ip(request))
        else:
            agreements.sign_as_party(agreement, by=request.user, ip=client_ip(request))
    except Refused as error:
        return refused(request, error, "funding:agreement", pk=agreement.pk)
    messages.success(request, _("Signature enregistrée."))
    return redirect("funding:agreement", pk=agreement.pk)


@login_required
@require_POST
def agreement_upload(request: HttpRequest, pk: int) -> HttpResponse:
    from compagnons.funding import agreements

    require_team(request.user)
    agreement = agreements.get_agreement_for_viewer(request.user, pk)
    form = SignedCopyForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choisissez le fichier de la copie signée."))
        return redirect("funding:agreement", pk=agreement.pk)
    try:
        agreements.upload_signed_copy(agreement, form.cleaned_data["file"], by=request.user)
    except Refused as error:
        return refused(request, error, "funding:agreement", pk=agreement.pk)
    messages.success(request, _("Copie signée enregistrée."))
    return redirect("funding:agreement", pk=agreement.pk)


@login_required
@require_POST
def agreement_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    from compagnons.funding import agreements

    require_team(request.user)
    agreement = agreements.get_agreement_for_viewer(request.user, pk)
    try:
        agreements.cancel_agreement(agreement, by=request.user)
    except Refused as error:
        return refused(request, error, "funding:agreement", pk=agreement.pk)
    messages.success(request, _("Document annulé."))
    return redirect("funding:plan", enrollment_pk=agreement.enrollment_id)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_amend(request: HttpRequest, pk: int) -> HttpResponse:
    from compagnons.funding import agreements

    require_team(request.user)
    original = agreements.get_agreement_for_viewer(request.user, pk)
    initial = {field: getattr(original, field) for field in AgreementForm.base_fields if hasattr(original, field)}
    initial["party_email"] = original.party_user.email if original.party_user else ""
    form = AgreementForm(request.POST or None, initial=initial)
    form.fields["kind"].disabled = form.fields["party_kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            amendment = agreements.amend_agreement(original, by=request.user, **_agreement_data(form.cleaned_data))
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Avenant établi : il attend les signatures."))
            return redirect("funding:agreement", pk=amendment.pk)
    return render(
        request, "funding/agreement_form.html", {"form": form, "enrollment": original.enrollment, "amends": original}
    )


# --- A member's own documents -----------------------------------------------------------------


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    from compagnons.funding import agreements
    from compagnons.funding.models import CompletionCertificate

    return render(
        request,
        "funding/agreement_mine.html",
        {
            "agreements": agreements.agreements_of(request.user),
            "certificates": CompletionCertificate.objects.filter(enrollment__member=request.user)
            .select_related("enrollment__cohort")
            .order_by("-period_start", "-pk"),
        },
    )


# --- Certificates of completion -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def certificate_new(request: HttpRequest, enrollment_pk: int) -> HttpResponse:
    from compagnons.funding import certificates

    enrollment, _plan = plans.get_plan_for_team(request.user, enrollment_pk)
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            certificates.issue_certificate(enrollment, by=request.user, **form.cleaned_data)
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Certificat de réalisation établi."))
            return redirect("funding:plan", enrollment_pk=enrollment.pk)
    return render(request, "funding/certificate_form.html", {"form": form, "enrollment": enrollment})


@login_required
@require_safe
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from compagnons.funding import certificates

    certificate = certificates.get_certificate_for_viewer(request.user, pk)
    response = FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"certificat-realisation-{certificate.pk}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The BPF ------------------------------------------------------------------------------------


def _bpf_year(request: HttpRequest) -> tuple[YearForm, int]:
    from django.utils import timezone

    default = timezone.localdate().year - 1
    form = YearForm(request.GET or None, initial={"year": default})
    year = form.cleaned_data["year"] if form.is_valid() else default
    return form, year


@login_required
@fragments.member_page("funding.bpf")
@require_safe
def bpf(request: HttpRequest) -> HttpResponse:
    from compagnons.funding import bpf as bpf_figures

    require_team(request.user)
    form, year = _bpf_year(request)
    report = bpf_figures.build(year)
    return render(request, "funding/bpf.html", {"form": form, "year": year, "report": report})


@login_required
@require_safe
def bpf_export(request: HttpRequest, fmt: str) -> HttpResponse:
    from compagnons.core import audit
    from compagnons.funding import bpf as bpf_figures

    require_team(request.user)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    _form, year = _bpf_year(request)
    report = bpf_figures.build(year)
    audit.log(request.user, "funding.bpf_exported", None, year=year, format=fmt)
    if fmt == "xlsx":
        response = HttpResponse(
            bpf_figures.to_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(bpf_figures.to_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bpf-{year}.{fmt}"'
    return response
