"""Payments recorded by the team (transfer reference, date, amount; partial payments, never more than what is due),
overdue invoices, and their reminders by e-mail: a periodic job claims each reminder by a conditional UPDATE before
it queues the e-mail, so a second run, or a second worker, never sends it twice."""

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compagnons.accounts.models import User
from compagnons.core import audit, scheduler
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.money import euros
from compagnons.core.permissions import is_team
from compagnons.funding.models import Invoice, InvoiceKind, InvoiceStatus, Payment

REMINDERS_PER_RUN = 1000


@transaction.atomic
def record_payment(
    invoice: Invoice, *, by: User, amount_cents: int, received_on: date | None, reference: str
) -> Payment:
    """A payment received on an issued invoice; the invoice is settled when nothing is left to pay."""
    if not is_team(by):
        raise PermissionRefused(_("Seule l'équipe enregistre les paiements."))
    invoice = Invoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)
    if invoice.kind != InvoiceKind.INVOICE or invoice.state != InvoiceStatus.ISSUED:
        raise InvalidTransition(_("Un paiement s'enregistre sur une facture émise."))
    reference = (reference or "").strip()
    if not reference:
        raise ValueError(_("Indiquez la référence du virement ou du paiement."))
    if amount_cents is None or amount_cents <= 0:
        raise ValueError(_("Le montant du paiement doit être positif."))
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        raise ValueError(_("Un paiement ne se reçoit pas dans le futur."))
    if invoice.balance_cents <= 0:
        raise InvalidTransition(_("La facture %(number)s est déjà soldée.") % {"number": invoice.number})
    if amount_cents > invoice.balance_cents:
        raise ValueError(
            _("Ce paiement (%(amount)s) dépasse ce qui reste dû sur la facture %(number)s (%(due)s).")
            % {"amount": euros(amount_cents), "number": invoice.number, "due": euros(invoice.balance_cents)}
        )
    payment = Payment.objects.create(
        invoice=invoice, amount_cents=amount_cents, received_on=received_on, reference=reference, recorded_by=by
    )
    invoice.paid_cents += amount_cents
    if invoice.balance_cents == 0:
        invoice.settled_at = timezone.now()
    invoice.save(update_fields=["paid_cents", "settled_at"])
    audit.log(by, "invoice.payment_recorded", invoice, payment=payment.pk, amount_cents=amount_cents)
    return payment


def claim_reminders(today: date | None = None) -> list[int]:
    """Overdue invoices whose next reminder is due (none yet, or the last one INVOICE_REMINDER_DAYS ago, at most
    INVOICE_MAX_REMINDERS), each claimed by a conditional UPDATE on its reminder count before it is returned."""
    today = today or timezone.localdate()
    since = today - timedelta(days=settings.INVOICE_REMINDER_DAYS)
    due = (
        Invoice.objects.overdue(today)
        .filter(reminders_sent__lt=settings.INVOICE_MAX_REMINDERS)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lte=since))
        .exclude(buyer_email="")
        .order_by("due_on", "pk")
    )
    claimed = []
    for pk, sent in list(due.values_list("pk", "reminders_sent")[:REMINDERS_PER_RUN]):
        if Invoice.objects.filter(pk=pk, reminders_sent=sent).update(
            reminders_sent=F("reminders_sent") + 1, reminded_on=today
        ):
            claimed.append(pk)
    return claimed


@task
def send_payment_reminder(invoice_id: int) -> bool:
    invoice = Invoice.objects.filter(pk=invoice_id).first()
    if invoice is None or not invoice.is_overdue() or not invoice.buyer_email:
        return False
    with translation.override("fr"):
        body = render_to_string(
            "funding/invoice_reminder_email.txt",
            {
                "invoice": invoice,
                "balance": euros(invoice.balance_cents),
                "issuer": settings.INVOICE_ISSUER_NAME,
                "iban": settings.INVOICE_IBAN,
                "late_rate": settings.INVOICE_LATE_RATE,
            },
        )
        subject = _("[Compagnons] Relance : facture %(number)s échue") % {"number": invoice.number}
        EmailMessage(subject, body, None, [invoice.buyer_email]).send()
    return True


@task
def send_payment_reminders() -> int:
    claimed = claim_reminders()
    for invoice_id in claimed:
        send_payment_reminder.enqueue(invoice_id)
    return len(claimed)


scheduler.register(send_payment_reminders, every=timedelta(days=1))
