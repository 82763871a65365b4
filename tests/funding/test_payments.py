"""Payments and reminders: never more than what is due; overdue invoices reminded by e-mail through the daily job,
each reminder claimed before it is sent (never twice), every INVOICE_REMINDER_DAYS, at most INVOICE_MAX_REMINDERS."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from compagnons.core import scheduler
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.funding import payments
from compagnons.funding.models import Invoice
from tests.factories.funding_invoices import credit, draft, issued, pay

pytestmark = pytest.mark.django_db


def _overdue(formateur, days: int = 45, **kwargs) -> Invoice:
    return issued(formateur, on=timezone.localdate() - timedelta(days=days), **kwargs)


def test_partial_payments_add_up_and_settle_the_invoice(formateur):
    invoice = issued(formateur, lines=((1, 100_000),))

    pay(invoice, formateur, 30_000)
    pay(invoice, formateur, 70_000, reference="VIR-2")

    invoice.refresh_from_db()
    assert (invoice.paid_cents, invoice.balance_cents) == (100_000, 0)
    assert invoice.settled_at is not None
    assert not Invoice.objects.receivable().exists()
    with pytest.raises(InvalidTransition, match="déjà soldée"):
        pay(invoice, formateur, 1)


def test_a_payment_beyond_what_is_due_is_refused_and_nothing_written(formateur):
    invoice = issued(formateur, lines=((1, 100_000),))
    credit(invoice, formateur, 40_000)

    with pytest.raises(ValueError, match="dépasse ce qui reste dû"):
        pay(invoice, formateur, 60_001)

    invoice.refresh_from_db()
    assert invoice.paid_cents == 0 and not invoice.payments.exists()


@pytest.mark.parametrize("amount", [0, -100])
def test_a_zero_or_negative_payment_is_refused(formateur, amount):
    invoice = issued(formateur)
    with pytest.raises(ValueError, match="positif"):
        pay(invoice, formateur, amount)


def test_no_payment_on_a_draft_or_a_credit_note_and_only_by_the_team(formateur, apprenti):
    with pytest.raises(InvalidTransition):
        pay(draft(formateur), formateur, 100)
    invoice = issued(formateur)
    with pytest.raises(InvalidTransition):
        pay(credit(invoice, formateur, 100), formateur, 100)
    with pytest.raises(PermissionRefused):
        pay(invoice, apprenti, 100)


def test_the_database_refuses_paying_beyond_the_total(formateur):
    invoice = issued(formateur, lines=((1, 1_000),))
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(paid_cents=1_001)


def test_overdue_is_flagged_past_the_due_date_only(formateur):
    overdue = _overdue(formateur)
    current = issued(formateur)

    assert overdue.is_overdue() and not current.is_overdue()
    assert list(Invoice.objects.overdue()) == [overdue]


def test_the_daily_job_reminds_each_overdue_invoice_once(formateur, mailoutbox, settings):
    overdue = _overdue(formateur)
    issued(formateur)  # not yet due
    settled = _overdue(formateur, lines=((1, 500),))
    pay(settled, formateur, 500)

    assert payments.send_payment_reminders.call() == 1
    assert payments.send_payment_reminders.call() == 0  # the same day again: claimed already

    [mail] = mailoutbox
    assert mail.to == ["factures@opco.example"]
    assert overdue.number in mail.subject
    assert "L441-10" in mail.body and "40 €" in mail.body
    overdue.refresh_from_db()
    assert (overdue.reminders_sent, overdue.reminded_on) == (1, timezone.localdate())


def test_the_next_reminder_waits_its_days_and_they_stop_at_the_maximum(formateur, settings):
    settings.INVOICE_REMINDER_DAYS, settings.INVOICE_MAX_REMINDERS = 10, 2
    invoice = _overdue(formateur, days=60)
    today = timezone.localdate()

    assert payments.claim_reminders(today) == [invoice.pk]
    assert payments.claim_reminders(today + timedelta(days=9)) == []
    assert payments.claim_reminders(today + timedelta(days=10)) == [invoice.pk]
    assert payments.claim_reminders(today + timedelta(days=30)) == []


def test_a_reminder_claimed_then_paid_is_not_sent(formateur, mailoutbox):
    invoice = _overdue(formateur, lines=((1, 500),))
    [pk] = payments.claim_reminders()
    pay(invoice, formateur, 500)

    assert payments.send_payment_reminder.call(pk) is False
    assert mailoutbox == []


def test_the_reminder_job_is_registered_daily():
    [job] = [job for job in scheduler.registered_jobs() if job.task is payments.send_payment_reminders]
    assert job.every == timedelta(days=1)
