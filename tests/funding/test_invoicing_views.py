"""The invoices half's pages: the team's (403 for anyone else), a member's own (404 for anyone else's), bounded
queries, and bad input answered in French with the form kept and nothing written."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnons.funding import facturx
from compagnons.funding.models import Invoice, InvoiceStatus, Payment
from tests.factories.funding_invoices import FUNDER, draft, issued, pay, person_buyer

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["funding:invoices", "funding:invoice_new", "funding:receivables", "funding:memberships"]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_are_refused_to_members(client, apprenti, name):
    client.force_login(apprenti)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_send_visitors_to_log_in(client, name):
    assert client.get(reverse(name)).status_code == 302


def test_invoice_pages_and_actions_are_refused_to_members(client, formateur, apprenti):
    invoice = issued(formateur, buyer=person_buyer(apprenti))
    facturx.build_invoice_pdf.call(invoice.pk)
    client.force_login(apprenti)  # even the buyer: these are the team's pages
    assert client.get(reverse("funding:invoice", args=[invoice.pk])).status_code == 403
    assert client.get(reverse("funding:invoice_pdf", args=[invoice.pk])).status_code == 403
    for name in ("invoice_edit", "invoice_add_line", "invoice_issue", "invoice_pay", "invoice_credit"):
        assert client.post(reverse(f"funding:{name}", args=[invoice.pk]), {}).status_code == 403
    line = invoice.lines.get()
    url = reverse("funding:invoice_remove_line", args=[invoice.pk, line.pk])
    assert client.post(url).status_code == 403


def test_the_team_drafts_fills_and_issues_an_invoice(client, formateur, django_capture_on_commit_callbacks):
    client.force_login(formateur)
    response = client.post(reverse("funding:invoice_new"), FUNDER | {"vat_exempt": "on"})
    invoice = Invoice.objects.get()
    assert response.url == reverse("funding:invoice", args=[invoice.pk])

    client.post(
        reverse("funding:invoice_add_line", args=[invoice.pk]),
        {"label": "Parcours compagnon, bloc 1", "quantity": "1", "unit_price": "2 400,00"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("funding:invoice_issue", args=[invoice.pk]))

    invoice.refresh_from_db()
    assert invoice.state == InvoiceStatus.ISSUED
    assert invoice.total_cents == 240_000
    assert invoice.ready  # built by the worker (inline under tests)
    page = client.get(reverse("funding:invoice", args=[invoice.pk]))
    assert invoice.number in page.text
    download = client.get(reverse("funding:invoice_pdf", args=[invoice.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_zero_line_comes_back_in_french_with_the_form_kept(client, formateur):
    invoice = draft(formateur, lines=())
    client.force_login(formateur)

    response = client.post(
        reverse("funding:invoice_add_line", args=[invoice.pk]),
        {"label": "Ligne gratuite", "quantity": "1", "unit_price": "0"},
    )

    assert response.status_code == 400
    assert "Ligne gratuite" in response.text
    assert "nul ou négatif n&#x27;existe pas" in response.text
    assert not invoice.lines.exists()


def test_issuing_twice_and_editing_an_issued_invoice_say_why(client, formateur):
    invoice = issued(formateur)
    client.force_login(formateur)

    again = client.post(reverse("funding:invoice_issue", args=[invoice.pk]), follow=True)
    edit = client.post(
        reverse("funding:invoice_edit", args=[invoice.pk]), FUNDER | {"buyer_name": "Autre nom"}, follow=True
    )
    line = client.post(
        reverse("funding:invoice_add_line", args=[invoice.pk]),
        {"label": "Encore", "quantity": "1", "unit_price": "10"},
        follow=True,
    )

    assert "déjà émise" in again.text
    assert "émettez un avoir" in edit.text
    assert "émettez un avoir" in line.text
    invoice.refresh_from_db()
    assert invoice.buyer_name == FUNDER["buyer_name"] and invoice.lines.count() == 1


def test_a_credit_note_larger_than_its_invoice_is_refused(client, formateur):
    invoice = issued(formateur, lines=((1, 50_000),))
    client.force_login(formateur)

    response = client.post(reverse("funding:invoice_credit", args=[invoice.pk]), {"amount": "600", "label": "Trop"})

    assert response.status_code == 400
    assert "dépasse ce qui reste" in response.text
    assert Invoice.objects.count() == 1


def test_a_credit_note_is_drafted_then_issued_from_the_invoice(client, formateur):
    invoice = issued(formateur, lines=((1, 50_000),))
    client.force_login(formateur)

    response = client.post(reverse("funding:invoice_credit", args=[invoice.pk]), {"amount": "100", "label": "Remise"})
    note = Invoice.objects.get(kind="credit_note")
    assert response.url == reverse("funding:invoice", args=[note.pk])
    client.post(reverse("funding:invoice_issue", args=[note.pk]))

    invoice.refresh_from_db()
    assert invoice.credited_cents == 10_000


def test_payments_partial_then_full_and_never_beyond_what_is_due(client, formateur):
    invoice = issued(formateur, lines=((1, 100_000),))
    client.force_login(formateur)
    url = reverse("funding:invoice_pay", args=[invoice.pk])
    today = timezone.localdate().isoformat()

    client.post(url, {"amount": "400", "received_on": today, "reference": "VIR-1"})
    too_much = client.post(url, {"amount": "600,01", "received_on": today, "reference": "VIR-2"})
    client.post(url, {"amount": "600", "received_on": today, "reference": "VIR-3"})

    assert too_much.status_code == 400 and "dépasse ce qui reste dû" in too_much.text and "VIR-2" in too_much.text
    invoice.refresh_from_db()
    assert list(invoice.payments.values_list("reference", flat=True)) == ["VIR-1", "VIR-3"]
    assert invoice.balance_cents == 0 and invoice.settled_at is not None


def test_the_receivables_list_flags_the_overdue_and_hides_the_settled(client, formateur):
    long_ago = timezone.localdate() - timedelta(days=90)
    overdue = issued(formateur, on=long_ago)
    recent = issued(formateur)
    paid = issued(formateur, lines=((1, 1_000),))
    pay(paid, formateur, 1_000)
    client.force_login(formateur)

    page = client.get(reverse("funding:receivables"))
    only_overdue = client.get(reverse("funding:receivables"), {"echues": "1"})

    assert overdue.number in page.text and recent.number in page.text and paid.number not in page.text
    assert "Échue" in page.text
    assert overdue.number in only_overdue.text and recent.number not in only_overdue.text


@pytest.mark.parametrize(
    "name", ["funding:invoices", "funding:receivables", "funding:memberships", "funding:invoice_new"]
)
def test_lists_run_a_bounded_number_of_queries(client, formateur, django_assert_max_num_queries, name):
    for _ in range(5):
        issued(formateur, on=timezone.localdate() - timedelta(days=60))
    client.force_login(formateur)
    with django_assert_max_num_queries(8):
        assert client.get(reverse(name)).status_code == 200


def test_the_invoice_page_runs_a_bounded_number_of_queries(client, formateur, django_assert_max_num_queries):
    invoice = issued(formateur, lines=((1, 100_000), (2, 5_000), (3, 700)))
    for n in range(3):
        pay(invoice, formateur, 1_000, reference=f"VIR-{n}")
    client.force_login(formateur)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("funding:invoice", args=[invoice.pk])).status_code == 200


def test_the_lists_page_without_counting(client, formateur):
    for _ in range(51):
        Invoice.objects.create(created_by=formateur, **FUNDER)
    client.force_login(formateur)

    first = client.get(reverse("funding:invoices"))
    second = client.get(reverse("funding:invoices"), {"page": "2"})

    assert "page=2" in first.text
    assert "page=3" not in second.text and "page=1" in second.text


def test_a_member_sees_and_downloads_their_own_invoices_only(client, formateur, apprenti, outsider):
    mine = issued(formateur, buyer=person_buyer(apprenti))
    theirs = issued(formateur, buyer=person_buyer(outsider))
    for invoice in (mine, theirs):
        facturx.build_invoice_pdf.call(invoice.pk)
    client.force_login(apprenti)

    page = client.get(reverse("funding:my_invoices"))
    own = client.get(reverse("funding:my_invoice_pdf", args=[mine.pk]))
    other = client.get(reverse("funding:my_invoice_pdf", args=[theirs.pk]))

    assert mine.number in page.text and theirs.number not in page.text
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert other.status_code == 404


def test_a_draft_addressed_to_a_member_stays_invisible_to_them(client, formateur, apprenti):
    invoice = draft(formateur, buyer=person_buyer(apprenti))
    client.force_login(apprenti)

    assert client.get(reverse("funding:my_invoice_pdf", args=[invoice.pk])).status_code == 404
    assert "Brouillon" not in client.get(reverse("funding:my_invoices")).text


def test_my_invoices_needs_an_account_and_runs_few_queries(client, apprenti, formateur, django_assert_max_num_queries):
    assert client.get(reverse("funding:my_invoices")).status_code == 302
    for _ in range(3):
        issued(formateur, buyer=person_buyer(apprenti))
    client.force_login(apprenti)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("funding:my_invoices")).status_code == 200


def test_payment_in_the_future_is_refused(client, formateur):
    invoice = issued(formateur)
    client.force_login(formateur)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = client.post(
        reverse("funding:invoice_pay", args=[invoice.pk]), {"amount": "10", "received_on": tomorrow, "reference": "X"}
    )

    assert response.status_code == 400 and "futur" in response.text
    assert not Payment.objects.exists()


def test_payment_date_keeps_its_value(formateur):
    invoice = issued(formateur, on=date(2026, 1, 5))
    payment = pay(invoice, formateur, 500, on=date(2026, 1, 20))
    assert payment.received_on == date(2026, 1, 20)
