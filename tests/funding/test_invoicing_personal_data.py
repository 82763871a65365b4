"""Personal data: a person's invoices are exported, and on erasure kept (ten years, accounting law) with the
person's name and nothing else; their PDFs are built again without the address."""

import io

import pytest
from pypdf import PdfReader

from compagnons.accounts import services as accounts
from compagnons.funding import facturx
from compagnons.funding.models import Invoice
from tests.factories.funding_invoices import draft, issued, join, person_buyer

pytestmark = pytest.mark.django_db


def test_the_export_lists_the_person_s_invoices_and_memberships(formateur, apprenti):
    invoice = issued(formateur, buyer=person_buyer(apprenti))
    join(apprenti, formateur)

    data = accounts.export_personal_data(apprenti, by=apprenti)["funding_invoices"]

    assert [row["number"] for row in data["invoices"]] == [invoice.number]
    assert data["invoices"][0]["buyer_address"] == "3 rue des Lilas"
    assert len(data["memberships"]) == 1


def test_erasure_keeps_the_invoices_with_the_name_only(formateur, apprenti, django_capture_on_commit_callbacks):
    invoice = issued(formateur, buyer=person_buyer(apprenti))
    facturx.build_invoice_pdf.call(invoice.pk)
    unissued = draft(formateur, buyer=person_buyer(apprenti))
    other = issued(formateur)

    with django_capture_on_commit_callbacks(execute=True):
        accounts.erase_account(apprenti, by=apprenti)

    invoice.refresh_from_db()
    assert invoice.buyer_name == "Léa Martin"
    assert (invoice.buyer_user, invoice.buyer_address, invoice.buyer_city, invoice.buyer_email) == (None, "", "", "")
    assert invoice.buyer_erased_at is not None
    assert invoice.number and invoice.total_cents  # the accounting record stays whole
    assert not Invoice.objects.filter(pk=unissued.pk).exists()
    assert Invoice.objects.get(pk=other.pk).buyer_address  # nobody else's
    assert invoice.ready  # built again, without the address
    text = PdfReader(io.BytesIO(invoice.file.open("rb").read())).pages[0].extract_text()
    assert "Léa Martin" in text and "rue des Lilas" not in text
