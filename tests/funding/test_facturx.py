"""Each issued invoice is a Factur-X PDF: a PDF/A-3 with its EN 16931 CII XML (valid against the Factur-X XSD)
embedded, and an EPC QR code to pay by transfer; built in the worker, once."""

import io
from datetime import date

import pytest
from facturx import get_facturx_xml_from_pdf, get_level, xml_check_xsd
from lxml import etree
from pypdf import PdfReader

from compagnons.funding import facturx
from compagnons.funding.models import Invoice
from tests.factories.funding_invoices import FUNDER, credit, draft, issued, person_buyer

pytestmark = pytest.mark.django_db
NS = facturx.NS


def _xpath(xml: bytes, path: str) -> list[str]:
    return [node.text for node in etree.fromstring(xml).xpath(path, namespaces=NS)]


def test_the_xml_of_an_invoice_validates_against_the_factur_x_schema_at_en16931(formateur):
    invoice = issued(
        formateur,
        lines=((2, 60_000), (1, 15_050)),
        on=date(2026, 6, 1),
        service_from=date(2026, 1, 5),
        service_to=date(2026, 5, 29),
    )

    xml = facturx.cii_xml(invoice)

    assert xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    assert get_level(etree.fromstring(xml)) == "en16931"
    assert _xpath(xml, "//rsm:ExchangedDocument/ram:ID") == ["2026-00001"]
    assert _xpath(xml, "//rsm:ExchangedDocument/ram:TypeCode") == ["380"]
    assert _xpath(xml, "//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == [FUNDER["buyer_siret"]]
    assert _xpath(xml, "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:DuePayableAmount") == ["1350.50"]
    assert _xpath(xml, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode") == ["E"]
    [reason] = _xpath(xml, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:ExemptionReason")
    assert "261-4-4° a" in reason
    [terms] = _xpath(xml, "//ram:SpecifiedTradePaymentTerms/ram:Description")
    assert "L441-10" in terms and "40 €" in terms


def test_a_credit_note_is_type_381_and_names_its_invoice(formateur, apprenti):
    invoice = issued(formateur, buyer=person_buyer(apprenti), on=date(2026, 6, 1))
    note = credit(invoice, formateur, 20_000, on=date(2026, 6, 2))

    xml = facturx.cii_xml(note)

    assert xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    assert _xpath(xml, "//rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    assert _xpath(xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == [invoice.number]


def test_a_person_is_not_told_of_the_40_euro_indemnity(formateur, apprenti):
    invoice = issued(formateur, buyer=person_buyer(apprenti))

    assert "40 €" not in facturx.payment_terms(invoice)
    assert "L441-10" in facturx.payment_terms(invoice)


def test_the_pdf_is_a_pdf_a_3_with_the_xml_embedded_and_the_mentions(formateur):
    invoice = issued(formateur, on=date(2026, 6, 1))

    assert facturx.build_invoice_pdf.call(invoice.pk) is True

    invoice.refresh_from_db()
    assert invoice.ready
    content = invoice.file.open("rb").read()
    filename, xml = get_facturx_xml_from_pdf(io.BytesIO(content))
    assert filename == "factur-x.xml"
    assert xml == facturx.cii_xml(invoice)
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    reader = PdfReader(io.BytesIO(content))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>3</pdfaid:part>" in xmp or 'pdfaid:part="3"' in xmp
    text = " ".join(page.extract_text() for page in reader.pages)
    for mention in ("Facture n° 2026-00001", "SIRET", "261-4-4° a", "Échéance", "L441-10", "40 €", "IBAN"):
        assert mention in text
    assert facturx.build_invoice_pdf.call(invoice.pk) is False  # built once


def test_the_pdf_carries_an_epc_qr_code_for_what_is_left_to_pay(formateur):
    invoice = issued(formateur)

    context = facturx.invoice_context(invoice)

    assert context["qr"].startswith("data:image/svg+xml")


def test_a_draft_is_never_built(formateur):
    invoice = draft(formateur)

    assert facturx.build_invoice_pdf.call(invoice.pk) is False
    assert not Invoice.objects.get(pk=invoice.pk).file
