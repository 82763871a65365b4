"""Writes on invoices and credit notes: drafts (editable), issuing (the year's next number, taken under a row lock
on the year's counter: no gap, no reuse), credit notes (never more than what remains of their invoice).

Every function takes the acting team member as `by=`, runs in one transaction and writes the audit log. A refusal
raises `Refused` (its French message is shown as is) or `ValueError` for bad input; nothing is written then."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.accounts.models import User
from compagnons.core import audit
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.permissions import is_team
from compagnons.funding.models import (
    BuyerKind,
    FundingSource,
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    SourceKind,
)

# Fields a draft's form may change; an issued invoice changes none of them.
BUYER_FIELDS = (
    "buyer_kind",
    "origin",
    "buyer_name",
    "buyer_address",
    "buyer_postcode",
    "buyer_city",
    "buyer_siret",
    "buyer_email",
    "buyer_reference",
    "service_from",
    "service_to",
    "vat_exempt",
)
VAT_RATE = Decimal("0.20")
ORIGIN_OF_BUYER = {BuyerKind.PERSON: SourceKind.PERSON, BuyerKind.EMPLOYER: SourceKind.EMPLOYER}


def _check_team(by: User) -> None:
    if not is_team(by):
        raise PermissionRefused(_("Seule l'équipe gère les factures."))


def issued_message(invoice: Invoice) -> str:
    return _("La facture %(number)s est émise : elle ne se modifie plus. Pour la corriger, émettez un avoir.") % {
        "number": invoice.number
    }


def _check_draft(invoice: Invoice) -> None:
    if invoice.state != InvoiceStatus.DRAFT:
        raise InvalidTransition(issued_message(invoice))


def _locked(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)


def _clean_siret(value: str) -> str:
    siret = "".join(value.split())
    if siret and (len(siret) != 14 or not siret.isdigit()):
        raise ValueError(_("Un SIRET compte 14 chiffres."))
    return siret


def _check_buyer(values: dict) -> None:
    if not (values.get("buyer_name") or "").strip():
        raise ValueError(_("Indiquez le nom ou la raison sociale du client."))
    if values.get("buyer_kind") not in BuyerKind.values:
        raise ValueError(_("Choisissez le type de client : financeur, employeur ou personne."))
    if values.get("origin") not in SourceKind.values:
        raise ValueError(_("Choisissez l'origine des fonds."))
    start, end = values.get("service_from"), values.get("service_to")
    if start and end and end < start:
        raise ValueError(_("La fin de la prestation précède son début."))


@transaction.atomic
def create_draft(
    *,
    by: User,
    buyer_kind: str,
    buyer_name: str,
    origin: str = "",
    buyer_user: User | None = None,
    source: FundingSource | None = None,
    **fields,
) -> Invoice:
    """A draft invoice. Linked to a funding source, its origin is the source's kind (the BPF counts it there)."""
    _check_team(by)
    unknown = set(fields) - set(BUYER_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if source is not None:
        origin = source.kind
    origin = origin or ORIGIN_OF_BUYER.get(buyer_kind, "")
    values = {"buyer_kind": buyer_kind, "buyer_name": buyer_name.strip(), "origin": origin, **fields}
    values["buyer_siret"] = _clean_siret(values.get("buyer_siret", ""))
    _check_buyer(values)
    invoice = Invoice.objects.create(created_by=by, source=source, buyer_user=buyer_user, **values)
    audit.log(by, "invoice.drafted", invoice, kind=invoice.kind, origin=invoice.origin)
    return invoice


@transaction.atomic
def update_draft(invoice: Invoice, *, by: User, **fields) -> Invoice:
    _check_team(by)
    invoice = _locked(invoice)
    _check_draft(invoice)
    unknown = set(fields) - set(BUYER_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if "buyer_siret" in fields:
        fields["buyer_siret"] = _clean_siret(fields["buyer_siret"])
    values = {name: getattr(invoice, name) for name in BUYER_FIELDS} | fields
    if invoice.source_id:
        values["origin"] = invoice.source.kind
    _check_buyer(values)
    for name, value in values.items():
        setattr(invoice, name, value)
    invoice.save()
    audit.log(by, "invoice.draft_changed", invoice, fields=sorted(fields))
    return invoice


def _line_amount(quantity: Decimal, unit_price_cents: int) -> int:
    return int((quantity * unit_price_cents).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@transaction.atomic
def add_line(invoice: Invoice, *, by: User, label: str, quantity, unit_price_cents: int) -> InvoiceLine:
    _check_team(by)
    invoice = _locked(invoice)
    _check_draft(invoice)
    quantity = Decimal(str(quantity))
    if not label.strip():
        raise ValueError(_("Indiquez la désignation de la ligne."))
    if quantity <= 0 or quantity != quantity.quantize(Decimal("0.01")):
        raise ValueError(_("La quantité doit être positive (deux décimales au plus)."))
    if unit_price_cents <= 0:
        raise ValueError(_("Le prix unitaire doit être positif : une ligne nulle ou négative n'existe pas."))
    position = invoice.lines.count() + 1
    line = InvoiceLine.objects.create(
        invoice=invoice,
        position=position,
        label=label.strip(),
        quantity=quantity,
        unit_price_cents=unit_price_cents,
        amount_cents=_line_amount(quantity, unit_price_cents),
    )
    if invoice.is_credit_note:
        _check_credit_fits(invoice, extra_cents=0)
    audit.log(by, "invoice.line_added", invoice, line=line.pk)
    return line


@transaction.atomic
def remove_line(line: InvoiceLine, *, by: User) -> None:
    _check_team(by)
    invoice = _locked(line.invoice)
    _check_draft(invoice)
    line_id = line.pk
    line.delete()
    audit.log(by, "invoice.line_removed", invoice, line=line_id)


def _draft_totals(invoice: Invoice) -> tuple[int, int]:
    total = sum(invoice.lines.values_list("amount_cents", flat=True))
    vat = 0 if invoice.vat_exempt else int((Decimal(total) * VAT_RATE).quantize(Decimal("1"), ROUND_HALF_UP))
    return total, vat


def _check_credit_fits(credit_note: Invoice, *, extra_cents: int) -> None:
    """A credit note never exceeds what remains of its invoice (its total less the credit notes already issued)."""
    original = Invoice.objects.select_for_update(of=("self",)).get(pk=credit_note.credited_invoice_id)
    total, vat = _draft_totals(credit_note)
    remaining = original.total_due_cents - original.credited_cents - original.paid_cents
    if total + vat + extra_cents > remaining:
        raise ValueError(
            _(
                "Cet avoir (%(amount)s) dépasse ce qui reste de la facture %(number)s (%(remaining)s) : "
                "un avoir ne peut annuler que ce qui n'est ni payé ni déjà crédité."
            )
            % {
                "amount": _euros(total + vat + extra_cents),
                "number": original.number,
                "remaining": _euros(max(remaining, 0)),
            }
        )


def _euros(cents: int) -> str:
    from compagnons.core.money import euros

    return euros(cents)


def _next_number(year: int) -> int:
    """The year's next number, taken under a lock on the year's counter row: a second issuing waits for the first
    to commit (or roll back, giving its number back) before it reads the counter."""
    InvoiceCounter.objects.bulk_create([InvoiceCounter(year=year)], ignore_conflicts=True)
    counter = InvoiceCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


@transaction.atomic
def issue(invoice: Invoice, *, by: User, on: date | None = None) -> Invoice:
    """Freeze the draft, give it the year's next number and its due date; its PDF is then built in the worker."""
    _check_team(by)
    invoice = _locked(invoice)
    if invoice.state == InvoiceStatus.ISSUED:
        raise InvalidTransition(_("La facture %(number)s est déjà émise.") % {"number": invoice.number})
    if not invoice.lines.exists():
        raise ValueError(_("Ajoutez au moins une ligne avant d'émettre."))
    if not invoice.buyer_address.strip() or not invoice.buyer_city.strip():
        raise ValueError(_("Indiquez l'adresse du client : elle figure obligatoirement sur la facture."))
    if invoice.buyer_kind != BuyerKind.PERSON and not invoice.buyer_siret:
        raise ValueError(
            _("Indiquez le SIRET du client : il figure obligatoirement sur une facture à un professionnel.")
        )
    total, vat = _draft_totals(invoice)
    if invoice.is_credit_note:
        _check_credit_fits(invoice, extra_cents=0)
    on = on or timezone.localdate()
    invoice.year = on.year
    invoice.sequence = _next_number(on.year)
    invoice.number = f"{on.year}-{invoice.sequence:05d}"
    invoice.issued_on = on
    invoice.due_on = on if invoice.is_credit_note else on + timedelta(days=settings.INVOICE_PAYMENT_DAYS)
    invoice.total_cents, invoice.vat_cents = total, vat
    invoice.state = InvoiceStatus.ISSUED
    invoice.status, invoice.progress = Invoice.Status.PENDING, 0
    if invoice.is_credit_note:
        invoice.settled_at = timezone.now()
    invoice.save()
    if invoice.is_credit_note:
        original = Invoice.objects.select_for_update(of=("self",)).get(pk=invoice.credited_invoice_id)
        original.credited_cents += total + vat
        if original.balance_cents <= 0 and original.settled_at is None:
            original.settled_at = timezone.now()
        original.save(update_fields=["credited_cents", "settled_at"])
    audit.log(by, "invoice.issued", invoice, number=invoice.number, kind=invoice.kind, total_cents=total + vat)
    _build_after_commit(invoice.pk)
    return invoice


def _build_after_commit(invoice_id: int) -> None:
    from compagnons.funding.facturx import build_invoice_pdf

    transaction.on_commit(lambda: build_invoice_pdf.enqueue(invoice_id))


@transaction.atomic
def draft_credit_note(invoice: Invoice, *, by: User, label: str = "", amount_cents: int | None = None) -> Invoice:
    """A draft credit note against an issued invoice: by default for all that remains of it, in one line."""
    _check_team(by)
    invoice = _locked(invoice)
    if invoice.kind != InvoiceKind.INVOICE or invoice.state != InvoiceStatus.ISSUED:
        raise InvalidTransition(_("Un avoir se fait sur une facture émise."))
    remaining = invoice.balance_cents
    if remaining <= 0:
        raise InvalidTransition(
            _("Il ne reste rien à créditer sur la facture %(number)s.") % {"number": invoice.number}
        )
    amount = remaining if amount_cents is None else amount_cents
    if amount <= 0:
        raise ValueError(_("Le montant de l'avoir doit être positif."))
    if amount > remaining:
        raise ValueError(
            _("Cet avoir (%(amount)s) dépasse ce qui reste de la facture %(number)s (%(remaining)s).")
            % {"amount": _euros(amount), "number": invoice.number, "remaining": _euros(remaining)}
        )
    note = Invoice.objects.create(
        kind=InvoiceKind.CREDIT_NOTE,
        credited_invoice=invoice,
        created_by=by,
        source=invoice.source,
        buyer_user=invoice.buyer_user,
        **{name: getattr(invoice, name) for name in BUYER_FIELDS},
    )
    net = amount if invoice.vat_exempt else int((Decimal(amount) / (1 + VAT_RATE)).quantize(Decimal("1")))
    InvoiceLine.objects.create(
        invoice=note,
        position=1,
        label=label.strip() or _("Avoir sur la facture %(number)s") % {"number": invoice.number},
        quantity=Decimal("1"),
        unit_price_cents=net,
        amount_cents=net,
    )
    audit.log(by, "invoice.credit_note_drafted", note, invoice=invoice.pk, amount_cents=amount)
    return note
