"""Pages of the invoices half. The team's under /equipe/financement/ (403 for anyone else): invoices and credit
notes, their lines, issuing, payments, receivables, memberships. A member's own under /mon-financement/ (404 for
anyone else's): their invoices and membership receipts, downloaded only through these views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from compagnons.core import fragments
from compagnons.core.exceptions import InvalidTransition, Refused
from compagnons.core.ids import parse_page
from compagnons.core.permissions import require_team
from compagnons.core.refusals import refused
from compagnons.funding import invoicing, memberships, payments
from compagnons.funding.forms_invoices import (
    CreditNoteForm,
    InvoiceForm,
    LineForm,
    MembershipForm,
    PaymentForm,
    cents,
)
from compagnons.funding.invoicing_access import get_invoice_for_buyer, get_invoice_for_staff, get_receipt_for_viewer
from compagnons.funding.models import Invoice, InvoiceLine, InvoiceStatus, Membership

PAGE_SIZE = 50
STATES = {"brouillons": InvoiceStatus.DRAFT, "emises": InvoiceStatus.ISSUED}


def _page(request: HttpRequest, rows, query: dict | None = None) -> dict:
    """A page without a COUNT over a long table: one row more than a page says whether there is a next one."""
    number = parse_page(request.GET.get("page"))
    start = (number - 1) * PAGE_SIZE
    fetched = list(rows[start : start + PAGE_SIZE + 1])
    return {
        "rows": fetched[:PAGE_SIZE],
        "number": number,
        "has_next": len(fetched) > PAGE_SIZE,
        "query": urlencode(query or {}),
    }


def _fail(form, error: Exception) -> None:
    form.add_error(None, str(error))


@login_required
@fragments.member_page("funding.invoices", filters=("etat",))
@require_safe
def invoices(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    state = request.GET.get("etat", "")
    rows = Invoice.objects.only(
        "pk",
        "kind",
        "state",
        "number",
        "issued_on",
        "due_on",
        "buyer_name",
        "total_cents",
        "vat_cents",
        "paid_cents",
        "credited_cents",
        "settled_at",
        "origin",
        "buyer_kind",
    ).order_by("-pk")
    if state in STATES:
        rows = rows.filter(state=STATES[state])
    context = _page(request, rows, {"etat": state} if state in STATES else None)
    return render(request, "funding/invoice_list.html", context | {"state": state, "today": timezone.localdate()})


@login_required
@require_http_methods(["GET", "POST"])
def invoice_new(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    form = InvoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        try:
            invoice = invoicing.create_draft(
                by=request.user,
                buyer_user=form.cleaned_data.get("account_email"),
                source=form.cleaned_data.get("source_id"),
                **values,
            )
        except (Refused, ValueError) as error:
            _fail(form, error)
        else:
            messages.success(request, _("Brouillon créé : ajoutez ses lignes, puis émettez-le."))
            return redirect("funding:invoice", invoice.pk)
    return render(request, "funding/invoice_form.html", {"form": form})


def _detail(request: HttpRequest, invoice: Invoice, status: int = 200, **forms) -> HttpResponse:
    lines = list(invoice.lines.all())
    context = {
        "invoice": invoice,
        "lines": lines,
        "payments": list(invoice.payments.select_related("recorded_by")) if not invoice.is_draft else [],
        "credit_notes": list(invoice.credit_notes.only("pk", "number", "state", "total_cents", "vat_cents")),
        "today": timezone.localdate(),
    }
    if invoice.is_draft:
        context["edit_form"] = forms.get("edit_form") or InvoiceForm(instance=invoice, editing=True)
        context["line_form"] = forms.get("line_form") or LineForm()
    elif not invoice.is_credit_note:
        context["payment_form"] = forms.get("payment_form") or PaymentForm(
            initial={"received_on": timezone.localdate(), "amount": invoice.balance_cents / 100}
        )
        context["credit_form"] = forms.get("credit_form") or CreditNoteForm()
    return render(request, "funding/invoice_detail.html", context, status=status)


@login_required
@fragments.member_page("funding.invoice")
@require_safe
def invoice(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_invoice_for_staff(request.user, pk))


@login_required
@require_POST
def invoice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_invoice_for_staff(request.user, pk)
    if not invoice.is_draft:
        return refused(request, InvalidTransition(invoicing.issued_message(invoice)), "funding:invoice", pk)
    form = InvoiceForm(request.POST, instance=Invoice.objects.get(pk=pk), editing=True)
    if form.is_valid():
        try:
            invoicing.update_draft(invoice, by=request.user, **form.service_values())
        except Refused as error:
            return refused(request, error, "funding:invoice", pk)
        except ValueError as error:
            _fail(form, error)
        else:
            messages.success(request, _("Brouillon enregistré."))
            return redirect("funding:invoice", pk)
    invoice.refresh_from_db()
    return _detail(request, invoice, 400, edit_form=form)


@login_required
@require_POST
def invoice_add_line(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_invoice_for_staff(request.user, pk)
    if not invoice.is_draft:
        return refused(request, InvalidTransition(invoicing.issued_message(invoice)), "funding:invoice", pk)
    form = LineForm(request.POST)
    if form.is_valid():
        try:
            invoicing.add_line(
                invoice,
                by=request.user,
                label=form.cleaned_data["label"],
                quantity=form.cleaned_data["quantity"],
                unit_price_cents=cents(form.cleaned_data["unit_price"]),
            )
        except Refused as error:
            return refused(request, error, "funding:invoice", pk)
        except ValueError as error:
            _fail(form, error)
        else:
            return redirect("funding:invoice", pk)
    return _detail(request, invoice, 400, line_form=form)


@login_required
@require_POST
def invoice_remove_line(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    invoice = get_invoice_for_staff(request.user, pk)
    line = get_object_or_404(InvoiceLine, pk=line_pk, invoice=invoice)
    try:
        invoicing.remove_line(line, by=request.user)
    except Refused as error:
        messages.error(request, str(error))
    return redirect("funding:invoice", pk)


@login_required
@require_POST
def invoice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_invoice_for_staff(request.user, pk)
    try:
        invoice = invoicing.issue(invoice, by=request.user)
    except (Refused, ValueError) as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("%(kind)s n° %(number)s émise.") % {"kind": invoice.get_kind_display(), "number": invoice.number}
        )
    return redirect("funding:invoice", pk)


@login_required
@require_POST
def invoice_pay(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_invoice_for_staff(request.user, pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            payments.record_payment(
                invoice,
                by=request.user,
                amount_cents=cents(form.cleaned_data["amount"]),
                received_on=form.cleaned_data["received_on"],
                reference=form.cleaned_data["reference"],
            )
        except (Refused, ValueError) as error:
            _fail(form, error)
        else:
            messages.success(request, _("Paiement enregistré."))
            return redirect("funding:invoice", pk)
    return _detail(request, invoice, 400, payment_form=form)


@login_required
@require_POST
def invoice_credit(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_invoice_for_staff(request.user, pk)
    form = CreditNoteForm(request.POST)
    if form.is_valid():
        try:
            note = invoicing.draft_credit_note(
                invoice,
                by=request.user,
                amount_cents=cents(form.cleaned_data["amount"]),
                label=form.cleaned_data["label"],
            )
        except (Refused, ValueError) as error:
            _fail(form, error)
        else:
            messages.success(request, _("Avoir en brouillon : vérifiez-le, puis émettez-le."))
            return redirect("funding:invoice", note.pk)
    return _detail(request, invoice, 400, credit_form=form)


def _pdf(invoice: Invoice) -> FileResponse:
    prefix = "avoir" if invoice.is_credit_note else "facture"
    return FileResponse(invoice.file.open("rb"), as_attachment=True, filename=f"{prefix}-{invoice.number}.pdf")


@login_required
@require_safe
def invoice_pdf(request: HttpRequest, pk: int) -> FileResponse:
    invoice = get_invoice_for_staff(request.user, pk)
    if not invoice.ready:
        raise Http404
    return _pdf(invoice)


@login_required
@fragments.member_page("funding.receivables", filters=("echues",))
@require_safe
def receivables(request: HttpRequest) -> HttpResponse:
    """Issued invoices with something left to pay, the oldest due first; the overdue ones flagged."""
    require_team(request.user)
    today = timezone.localdate()
    rows = (
        Invoice.objects.receivable()
        .only(
            "pk",
            "kind",
            "state",
            "number",
            "issued_on",
            "due_on",
            "buyer_name",
            "total_cents",
            "vat_cents",
            "paid_cents",
            "credited_cents",
            "settled_at",
            "reminders_sent",
            "reminded_on",
            "buyer_kind",
        )
        .order_by("due_on", "pk")
    )
    overdue_only = request.GET.get("echues") == "1"
    if overdue_only:
        rows = rows.filter(due_on__lt=today)
    context = _page(request, rows, {"echues": "1"} if overdue_only else None)
    return render(request, "funding/receivables_list.html", context | {"today": today, "overdue_only": overdue_only})


@login_required
@require_http_methods(["GET", "POST"])
def memberships_page(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    form = MembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            memberships.record_membership(
                data["email"],
                by=request.user,
                category=data["category"],
                year=data["year"],
                paid_on=data["paid_on"],
                reference=data["reference"],
            )
        except (Refused, ValueError) as error:
            _fail(form, error)
        else:
            messages.success(request, _("Adhésion enregistrée ; son reçu se prépare."))
            return redirect("funding:memberships")
    rows = Membership.objects.select_related("member").order_by("-year", "-pk")
    context = _page(request, rows)
    return render(request, "funding/membership_list.html", context | {"form": form, "fees": memberships.fees()})


@login_required
@fragments.member_page("funding.my_invoices")
@require_safe
def my_invoices(request: HttpRequest) -> HttpResponse:
    """A member's own invoices (issued to them) and membership receipts."""
    mine = (
        Invoice.objects.of_buyer(request.user)
        .only(
            "pk",
            "kind",
            "number",
            "issued_on",
            "due_on",
            "total_cents",
            "vat_cents",
            "paid_cents",
            "credited_cents",
            "settled_at",
            "status",
            "file",
            "state",
        )
        .order_by("-pk")[:100]
    )
    receipts = Membership.objects.filter(member=request.user).order_by("-year")[:50]
    return render(
        request,
        "funding/invoice_mine.html",
        {"invoices": list(mine), "receipts": list(receipts), "today": timezone.localdate()},
    )


@login_required
@require_safe
def my_invoice_pdf(request: HttpRequest, pk: int) -> FileResponse:
    return _pdf(get_invoice_for_buyer(request.user, pk))


@login_required
@require_safe
def membership_receipt(request: HttpRequest, pk: int) -> FileResponse:
    membership = get_receipt_for_viewer(request.user, pk)
    return FileResponse(
        membership.file.open("rb"), as_attachment=True, filename=f"recu-adhesion-{membership.receipt_number}.pdf"
    )
