"""Each issued invoice or credit note as a Factur-X PDF: the page rendered by WeasyPrint as a PDF/A-3b, carrying an
EPC (SEPA transfer) QR code, with its EN 16931 CII XML checked against the Factur-X XSD and embedded by the
`factur-x` library (Akretion). Built in the worker, stored privately (`core.files.BuiltFile`)."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation
from lxml import etree

from compagnons.core import files
from compagnons.funding.models import BuyerKind, Invoice

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
EN16931 = "urn:cen.eu:en16931:2017"
TYPE_CODES = {"invoice": "380", "credit_note": "381"}
# Article 261-4-4° a du CGI: continuing vocational training, given by a body holding the attestation, is VAT-exempt.
VAT_EXEMPTION = "Exonération de TVA, article 261-4-4° a du Code général des impôts"
RECOVERY_INDEMNITY_EUROS = 40  # art. D441-5 du Code de commerce


def _el(parent, tag: str, text=None, **attrib):
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", attrib)
    if text is not None:
        element.text = str(text)
    return element


def _amount(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


def _date(parent, tag: str, day: date, kind: str = "udt") -> None:
    _el(_el(parent, tag), f"{kind}:DateTimeString", day.strftime("%Y%m%d"), format="102")


def _party(parent, tag: str, *, name, siret, address, postcode, city, email="", tax_id="", tax_scheme="VA"):
    party = _el(parent, tag)
    _el(party, "ram:Name", name)
    if siret:
        _el(_el(party, "ram:SpecifiedLegalOrganization"), "ram:ID", siret, schemeID="0009")
    postal = _el(party, "ram:PostalTradeAddress")
    if postcode:
        _el(postal, "ram:PostcodeCode", postcode)
    if address:
        _el(postal, "ram:LineOne", " ".join(address.split()))
    if city:
        _el(postal, "ram:CityName", city)
    _el(postal, "ram:CountryID", "FR")
    if email:
        _el(_el(party, "ram:URIUniversalCommunication"), "ram:URIID", email, schemeID="EM")
    if tax_id:
        _el(_el(party, "ram:SpecifiedTaxRegistration"), "ram:ID", tax_id, schemeID=tax_scheme)


def _vat(invoice: Invoice) -> tuple[str, str]:
    """(category code, rate) — E (exempt) at 0 %, or S (standard) at 20 %."""
    return ("E", "0") if invoice.vat_exempt else ("S", "20")


def cii_xml(invoice: Invoice) -> bytes:
    """The invoice as UN/CEFACT Cross Industry Invoice at the EN 16931 profile (Factur-X « EN 16931 »)."""
    root = etree.Element(f"{{{NS['rsm']}}}CrossIndustryInvoice", nsmap=NS)
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", EN16931)

    document = _el(root, "rsm:ExchangedDocument")
    _el(document, "ram:ID", invoice.number)
    _el(document, "ram:TypeCode", TYPE_CODES[invoice.kind])
    _date(document, "ram:IssueDateTime", invoice.issued_on)
    for subject, text in _notes(invoice):
        note = _el(document, "ram:IncludedNote")
        _el(note, "ram:Content", text)
        _el(note, "ram:SubjectCode", subject)

    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    category, rate = _vat(invoice)
    for line in invoice.lines.all():
        item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
        _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", line.position)
        _el(_el(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.label)
        price = _el(_el(item, "ram:SpecifiedLineTradeAgreement"), "ram:NetPriceProductTradePrice")
        _el(price, "ram:ChargeAmount", _amount(line.unit_price_cents))
        _el(_el(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", f"{line.quantity:.2f}", unitCode="C62")
        settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:TypeCode", "VAT")
        _el(tax, "ram:CategoryCode", category)
        _el(tax, "ram:RateApplicablePercent", rate)
        summation = _el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        _el(summation, "ram:LineTotalAmount", _amount(line.amount_cents))

    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    if invoice.buyer_reference:
        _el(agreement, "ram:BuyerReference", invoice.buyer_reference)
    siret = settings.INVOICE_ISSUER_SIRET
    _party(
        agreement,
        "ram:SellerTradeParty",
        name=settings.INVOICE_ISSUER_NAME,
        siret=siret,
        address=settings.INVOICE_ISSUER_ADDRESS,
        postcode=settings.INVOICE_ISSUER_POSTCODE,
        city=settings.INVOICE_ISSUER_CITY,
        email=settings.INVOICE_ISSUER_EMAIL,
        # Without a VAT number (an exempt association), the tax registration is its SIREN (scheme FC).
        tax_id=settings.INVOICE_ISSUER_VAT_ID or siret[:9],
        tax_scheme="VA" if settings.INVOICE_ISSUER_VAT_ID else "FC",
    )
    _party(
        agreement,
        "ram:BuyerTradeParty",
        name=invoice.buyer_name,
        siret=invoice.buyer_siret,
        address=invoice.buyer_address,
        postcode=invoice.buyer_postcode,
        city=invoice.buyer_city,
        email=invoice.buyer_email,
    )

    delivery = _el(transaction, "ram:ApplicableHeaderTradeDelivery")
    event = _el(delivery, "ram:ActualDeliverySupplyChainEvent")
    _date(event, "ram:OccurrenceDateTime", invoice.service_to or invoice.issued_on)

    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:PaymentReference", invoice.number)
    _el(settlement, "ram:InvoiceCurrencyCode", "EUR")
    if not invoice.is_credit_note:
        means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        _el(means, "ram:TypeCode", "58")  # SEPA credit transfer
        _el(_el(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID", settings.INVOICE_IBAN)
    tax = _el(settlement, "ram:ApplicableTradeTax")
    _el(tax, "ram:CalculatedAmount", _amount(invoice.vat_cents))
    _el(tax, "ram:TypeCode", "VAT")
    if invoice.vat_exempt:
        _el(tax, "ram:ExemptionReason", VAT_EXEMPTION)
    _el(tax, "ram:BasisAmount", _amount(invoice.total_cents))
    _el(tax, "ram:CategoryCode", category)
    _el(tax, "ram:RateApplicablePercent", rate)
    if invoice.service_from and invoice.service_to:
        period = _el(settlement, "ram:BillingSpecifiedPeriod")
        _date(period, "ram:StartDateTime", invoice.service_from)
        _date(period, "ram:EndDateTime", invoice.service_to)
    if not invoice.is_credit_note:
        terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
        _el(terms, "ram:Description", payment_terms(invoice))
        _date(terms, "ram:DueDateDateTime", invoice.due_on)
    totals = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(totals, "ram:LineTotalAmount", _amount(invoice.total_cents))
    _el(totals, "ram:TaxBasisTotalAmount", _amount(invoice.total_cents))
    _el(totals, "ram:TaxTotalAmount", _amount(invoice.vat_cents), currencyID="EUR")
    _el(totals, "ram:GrandTotalAmount", _amount(invoice.total_due_cents))
    _el(totals, "ram:DuePayableAmount", _amount(invoice.total_due_cents))
    if invoice.is_credit_note:
        original = invoice.credited_invoice
        referenced = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(referenced, "ram:IssuerAssignedID", original.number)
        _date(referenced, "ram:FormattedIssueDateTime", original.issued_on, kind="qdt")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def payment_terms(invoice: Invoice) -> str:
    text = (
        f"Paiement à {settings.INVOICE_PAYMENT_DAYS} jours, au plus tard le {invoice.due_on:%d/%m/%Y}, par virement. "
        "Pas d'escompte pour paiement anticipé. "
        f"En cas de retard, pénalités au taux de {settings.INVOICE_LATE_RATE} (art. L441-10 du Code de commerce)"
    )
    if invoice.buyer_kind != BuyerKind.PERSON:
        text += (
            f" et indemnité forfaitaire pour frais de recouvrement de {RECOVERY_INDEMNITY_EUROS} € "
            "(art. D441-5 du Code de commerce)"
        )
    return text + "."


def _notes(invoice: Invoice) -> list[tuple[str, str]]:
    """Free-text notes the French mentions need (EN 16931 subject codes: REG regulatory, PMT payment, AAB seller)."""
    notes = [
        (
            "REG",
            f"{settings.INVOICE_ISSUER_NAME}, SIRET {settings.INVOICE_ISSUER_SIRET}, déclaration d'activité "
            f"n° {settings.INVOICE_ISSUER_TRAINING_NUMBER}",
        )
    ]
    if invoice.vat_exempt:
        notes.append(("AAB", VAT_EXEMPTION))
    if not invoice.is_credit_note:
        notes.append(("PMT", payment_terms(invoice)))
    return notes


def epc_qr_data_uri(invoice: Invoice) -> str:
    """The EPC (« girocode ») QR code a banking app reads to prefill the SEPA transfer: payee, IBAN, amount and the
    invoice number as the reference."""
    from segno import helpers

    code = helpers.make_epc_qr(
        name=settings.INVOICE_ISSUER_NAME[:70],
        iban=settings.INVOICE_IBAN,
        bic=settings.INVOICE_BIC,
        amount=Decimal(invoice.balance_cents) / 100,
        text=f"Facture {invoice.number}",
    )
    return code.svg_data_uri(scale=3, border=2)


def invoice_context(invoice: Invoice) -> dict:
    lines = list(invoice.lines.all())
    return {
        "invoice": invoice,
        "lines": lines,
        "issuer": {
            "name": settings.INVOICE_ISSUER_NAME,
            "address": settings.INVOICE_ISSUER_ADDRESS,
            "postcode": settings.INVOICE_ISSUER_POSTCODE,
            "city": settings.INVOICE_ISSUER_CITY,
            "siret": settings.INVOICE_ISSUER_SIRET,
            "vat_id": settings.INVOICE_ISSUER_VAT_ID,
            "training_number": settings.INVOICE_ISSUER_TRAINING_NUMBER,
            "email": settings.INVOICE_ISSUER_EMAIL,
            "iban": settings.INVOICE_IBAN,
            "bic": settings.INVOICE_BIC,
        },
        "vat_exemption": VAT_EXEMPTION,
        "payment_terms": "" if invoice.is_credit_note else payment_terms(invoice),
        "qr": epc_qr_data_uri(invoice) if not invoice.is_credit_note and invoice.balance_cents > 0 else "",
    }


def render_pdf_a3(template_name: str, context: dict) -> bytes:
    from weasyprint import HTML  # heavy import (pango, harfbuzz): only where a PDF is made

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=settings.SITE_URL).write_pdf(pdf_variant="pdf/a-3b")


def make(invoice: Invoice, progress) -> tuple[str, bytes]:
    from facturx import generate_from_binary

    invoice = Invoice.objects.select_related("credited_invoice").get(pk=invoice.pk)
    with translation.override("fr"):
        pdf = render_pdf_a3("funding/invoice_pdf.html", invoice_context(invoice))
    progress(60)
    xml = cii_xml(invoice)
    title = f"{invoice.get_kind_display()} {invoice.number}"
    document = generate_from_binary(
        pdf,
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        pdf_metadata={
            "author": settings.INVOICE_ISSUER_NAME,
            "keywords": "Factur-X",
            "title": title,
            "subject": f"{title} — {settings.INVOICE_ISSUER_NAME}",
        },
        lang="fr-FR",
    )
    prefix = "avoir" if invoice.is_credit_note else "facture"
    return f"{prefix}-{invoice.number}.pdf", document


@task
def build_invoice_pdf(invoice_id: int) -> bool:
    """Build (once) the Factur-X PDF of an issued invoice or credit note."""
    if not Invoice.objects.filter(pk=invoice_id, state="issued").exists():
        return False
    return files.build(Invoice, invoice_id, make)
