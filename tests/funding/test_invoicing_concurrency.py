"""Twenty team members issue twenty invoices at the same moment: twenty numbers, one to twenty, none twice."""

from datetime import date

import pytest
from django.db import connection

from compagnons.funding import invoicing
from compagnons.funding.models import Invoice, InvoiceCounter
from tests.concurrency import at_once
from tests.factories import UserFactory
from tests.factories.funding_invoices import draft

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="simultaneous writers need a server database"),
]


def test_twenty_simultaneous_issuings_take_twenty_consecutive_numbers():
    staff = UserFactory(formateur=True)
    drafts = [draft(staff) for _ in range(20)]
    queue = list(drafts)

    def issue_one():
        invoice = queue.pop()
        return invoicing.issue(invoice, by=staff, on=date(2026, 9, 1)).number

    results, errors = at_once(issue_one)

    assert errors == []
    assert sorted(results) == [f"2026-{n:05d}" for n in range(1, 21)]
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == list(range(1, 21))
    assert InvoiceCounter.objects.get(year=2026).last_number == 20


def test_the_same_draft_issued_twenty_times_at_once_is_issued_once():
    staff = UserFactory(formateur=True)
    invoice = draft(staff)

    results, errors = at_once(lambda: invoicing.issue(invoice, by=staff, on=date(2026, 9, 1)).number)

    assert results == ["2026-00001"]
    assert len(errors) == 19 and all("déjà émise" in str(error) for error in errors)
    assert InvoiceCounter.objects.get(year=2026).last_number == 1
