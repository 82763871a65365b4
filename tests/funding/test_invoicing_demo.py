"""The demo world's invoices: paid ones, one overdue, one credit note, and memberships (seed_demo, idempotent)."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from compagnons.funding.models import Invoice, InvoiceKind, Membership

pytestmark = pytest.mark.django_db


def test_the_demo_has_paid_invoices_one_overdue_and_one_credit_note(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"
    with override_settings(DEBUG=True):
        call_command("seed_demo")
        call_command("seed_demo")  # idempotent

    invoices = Invoice.objects.filter(kind=InvoiceKind.INVOICE)
    assert invoices.count() >= 2
    assert invoices.filter(settled_at__isnull=False).count() == invoices.count() - 1
    assert Invoice.objects.overdue().count() == 1
    assert Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE, state="issued").count() == 1
    assert invoices.filter(payments__isnull=False).distinct().count() == invoices.count() - 1
    assert Membership.objects.count() == 2
    numbers = sorted(Invoice.objects.values_list("year", "sequence"))
    for year in {year for year, _ in numbers}:
        sequences = [sequence for y, sequence in numbers if y == year]
        assert sequences == list(range(1, len(sequences) + 1))
