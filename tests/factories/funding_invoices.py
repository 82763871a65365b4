"""Funding, invoices half: drafts, issued invoices and credit notes, payments and memberships, each through the
services as a team member makes them."""

from datetime import date

from compagnons.funding import invoicing, memberships, payments
from compagnons.funding.models import BuyerKind, Invoice, SourceKind

FUNDER = {
    "buyer_kind": BuyerKind.FUNDER,
    "origin": SourceKind.OPCO,
    "buyer_name": "OPCO des métiers",
    "buyer_address": "12 avenue de la Formation",
    "buyer_postcode": "75011",
    "buyer_city": "Paris",
    "buyer_siret": "12345678900012",
    "buyer_email": "factures@opco.example",
    "buyer_reference": "DOSSIER-42",
}


def person_buyer(user) -> dict:
    return {
        "buyer_kind": BuyerKind.PERSON,
        "buyer_user": user,
        "buyer_name": user.get_full_name(),
        "buyer_address": "3 rue des Lilas",
        "buyer_postcode": "69003",
        "buyer_city": "Lyon",
        "buyer_email": user.email,
    }


def draft(by, *, lines=((1, 120_000),), buyer=None, **extra) -> Invoice:
    invoice = invoicing.create_draft(by=by, **(buyer or FUNDER) | extra)
    for index, (quantity, unit_cents) in enumerate(lines, start=1):
        invoicing.add_line(
            invoice, by=by, label=f"Parcours, module {index}", quantity=quantity, unit_price_cents=unit_cents
        )
    return invoice


def issued(by, *, on: date | None = None, **kwargs) -> Invoice:
    return invoicing.issue(draft(by, **kwargs), by=by, on=on)


def credit(invoice: Invoice, by, amount_cents: int | None = None, *, on: date | None = None) -> Invoice:
    return invoicing.issue(invoicing.draft_credit_note(invoice, by=by, amount_cents=amount_cents), by=by, on=on)


def pay(invoice: Invoice, by, amount_cents: int, *, on: date | None = None, reference: str = "VIR-001"):
    return payments.record_payment(
        invoice, by=by, amount_cents=amount_cents, received_on=on or invoice.issued_on, reference=reference
    )


def join(member, by, *, year: int | None = None, category: str = "individuelle"):
    return memberships.record_membership(member, by=by, year=year, category=category, paid_on=None, reference="CB")
