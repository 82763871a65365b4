"""Invoices and credit notes: drafts, the gapless yearly sequence, immutability once issued, credit notes capped by
what remains, and the French messages of every refusal (nothing written)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.models import AuditLog
from compagnons.funding import invoicing
from compagnons.funding.models import Invoice, InvoiceCounter, InvoiceLine, InvoiceStatus, SourceKind
from compagnons.funding.revenue import revenue_by_origin
from tests.factories.funding_invoices import FUNDER, credit, draft, issued, pay, person_buyer

pytestmark = pytest.mark.django_db


def test_a_draft_is_editable_and_has_no_number(formateur):
    invoice = draft(formateur, lines=((2, 50_000),))

    invoicing.update_draft(invoice, by=formateur, buyer_name="OPCO Atlas")
    invoicing.add_line(invoice, by=formateur, label="Frais de jury", quantity=Decimal("1.5"), unit_price_cents=10_001)

    invoice.refresh_from_db()
    assert (invoice.state, invoice.number, invoice.sequence) == (InvoiceStatus.DRAFT, "", None)
    assert invoice.buyer_name == "OPCO Atlas"
    assert sorted(invoice.lines.values_list("amount_cents", flat=True)) == [15_002, 100_000]


def test_issuing_numbers_invoices_and_credit_notes_in_one_sequence_per_year(formateur):
    first = issued(formateur, on=date(2026, 3, 1))
    second = issued(formateur, on=date(2026, 3, 2))
    note = credit(first, formateur, 10_000, on=date(2026, 3, 3))
    next_year = issued(formateur, on=date(2027, 1, 2))

    assert [first.number, second.number, note.number] == ["2026-00001", "2026-00002", "2026-00003"]
    assert next_year.number == "2027-00001"
    assert InvoiceCounter.objects.get(year=2026).last_number == 3
    assert first.due_on == date(2026, 3, 31)
    assert first.total_cents == 120_000 and first.vat_cents == 0


def test_a_failed_issuing_gives_no_number_away(formateur):
    empty = invoicing.create_draft(by=formateur, **FUNDER)
    with pytest.raises(ValueError, match="au moins une ligne"):
        invoicing.issue(empty, by=formateur, on=date(2026, 5, 1))

    invoice = issued(formateur, on=date(2026, 5, 1))

    assert invoice.number == "2026-00001"


def test_issuing_twice_is_refused_and_keeps_the_number(formateur):
    invoice = issued(formateur, on=date(2026, 3, 1))

    with pytest.raises(InvalidTransition, match="déjà émise"):
        invoicing.issue(invoice, by=formateur, on=date(2026, 3, 2))

    invoice.refresh_from_db()
    assert (invoice.number, invoice.issued_on) == ("2026-00001", date(2026, 3, 1))
    assert InvoiceCounter.objects.get(year=2026).last_number == 1


def test_an_issued_invoice_is_never_edited(formateur):
    invoice = issued(formateur)
    line = invoice.lines.get()

    with pytest.raises(InvalidTransition, match="émettez un avoir"):
        invoicing.update_draft(invoice, by=formateur, buyer_name="Autre")
    with pytest.raises(InvalidTransition, match="émettez un avoir"):
        invoicing.add_line(invoice, by=formateur, label="Encore", quantity=1, unit_price_cents=100)
    with pytest.raises(InvalidTransition, match="émettez un avoir"):
        invoicing.remove_line(line, by=formateur)

    invoice.refresh_from_db()
    assert invoice.buyer_name == FUNDER["buyer_name"]
    assert invoice.lines.count() == 1


@pytest.mark.parametrize(("quantity", "unit_cents"), [(1, 0), (1, -500), (0, 1000), (-2, 1000)])
def test_a_zero_or_negative_line_is_refused(formateur, quantity, unit_cents):
    invoice = invoicing.create_draft(by=formateur, **FUNDER)

    with pytest.raises(ValueError, match="positi"):
        invoicing.add_line(invoice, by=formateur, label="Ligne", quantity=quantity, unit_price_cents=unit_cents)

    assert not InvoiceLine.objects.exists()


def test_the_database_refuses_a_negative_line_too(formateur):
    invoice = invoicing.create_draft(by=formateur, **FUNDER)
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLine.objects.create(invoice=invoice, label="x", quantity=1, unit_price_cents=-1, amount_cents=-1)


def test_a_professional_buyer_needs_a_siret_and_every_buyer_an_address(formateur, apprenti):
    no_siret = draft(formateur, buyer_siret="")
    with pytest.raises(ValueError, match="SIRET"):
        invoicing.issue(no_siret, by=formateur)
    with pytest.raises(ValueError, match="14 chiffres"):
        invoicing.create_draft(by=formateur, **FUNDER | {"buyer_siret": "123"})
    no_address = draft(formateur, buyer=person_buyer(apprenti) | {"buyer_address": ""})
    with pytest.raises(ValueError, match="adresse"):
        invoicing.issue(no_address, by=formateur)

    assert not Invoice.objects.exclude(state="draft").exists()


def test_a_person_pays_without_a_siret_and_the_origin_follows_the_buyer(formateur, apprenti):
    invoice = issued(formateur, buyer=person_buyer(apprenti))

    assert invoice.origin == SourceKind.PERSON
    assert invoice.buyer_user == apprenti


def test_a_credit_note_never_exceeds_what_remains_of_its_invoice(formateur):
    invoice = issued(formateur, lines=((1, 100_000),))
    credit(invoice, formateur, 30_000)
    pay(invoice, formateur, 50_000)

    with pytest.raises(ValueError, match="dépasse ce qui reste"):
        invoicing.draft_credit_note(invoice, by=formateur, amount_cents=20_001)
    note = invoicing.draft_credit_note(invoice, by=formateur, amount_cents=20_000)
    invoicing.issue(note, by=formateur)

    invoice.refresh_from_db()
    assert (invoice.credited_cents, invoice.paid_cents, invoice.balance_cents) == (50_000, 50_000, 0)
    assert invoice.settled_at is not None
    with pytest.raises(InvalidTransition, match="Il ne reste rien"):
        invoicing.draft_credit_note(invoice, by=formateur)


def test_a_credit_note_grown_by_hand_beyond_its_invoice_is_refused(formateur):
    invoice = issued(formateur, lines=((1, 100_000),))
    note = invoicing.draft_credit_note(invoice, by=formateur, amount_cents=90_000)

    with pytest.raises(ValueError, match="dépasse ce qui reste"):
        invoicing.add_line(note, by=formateur, label="De trop", quantity=1, unit_price_cents=20_000)

    assert note.lines.count() == 1
    invoice.refresh_from_db()
    assert invoice.credited_cents == 0


def test_only_the_team_writes_invoices(apprenti, formateur):
    with pytest.raises(PermissionRefused):
        invoicing.create_draft(by=apprenti, **FUNDER)
    invoice = draft(formateur)
    with pytest.raises(PermissionRefused):
        invoicing.issue(invoice, by=apprenti)


def test_issuing_is_audited(formateur):
    invoice = issued(formateur)

    entry = AuditLog.objects.get(action="invoice.issued")
    assert entry.data["number"] == invoice.number
    assert entry.actor == formateur


def test_revenue_by_origin_counts_issued_invoices_less_credit_notes(formateur, apprenti):
    opco = issued(formateur, lines=((1, 100_000),), on=date(2026, 2, 1))
    credit(opco, formateur, 25_000, on=date(2026, 2, 10))
    issued(formateur, buyer=person_buyer(apprenti), lines=((3, 10_050),), on=date(2026, 4, 1))
    issued(formateur, lines=((1, 999_999),), on=date(2025, 12, 31))
    draft(formateur, lines=((1, 500_000),))

    revenue = revenue_by_origin(2026)

    assert revenue[SourceKind.OPCO] == Decimal("750.00")
    assert revenue[SourceKind.PERSON] == Decimal("301.50")
    assert revenue[SourceKind.REGION] == Decimal("0.00")
    assert set(revenue) == set(SourceKind)


def test_an_invoice_linked_to_a_funding_source_counts_under_its_kind(formateur, enrolled):
    from compagnons.funding.models import FundingPlan, FundingSource

    plan = FundingPlan.objects.create(enrollment=enrolled, price=Decimal("2400"))
    source = FundingSource.objects.create(plan=plan, kind=SourceKind.REGION, amount=Decimal("2400"))

    invoice = issued(formateur, source=source, on=date(2026, 7, 1))

    assert (invoice.source, invoice.origin) == (source, SourceKind.REGION)
    assert revenue_by_origin(2026)[SourceKind.REGION] == Decimal("1200.00")
