"""What the invoices half holds about a person, for the export and the erasure of their account.

Invoices are accounting documents kept ten years (art. L123-22 du Code de commerce; art. L102 B du Livre des
procédures fiscales: six years for tax): on erasure they stay, with the person's name as it was invoiced and nothing
else (address, e-mail and the link to the account go). Membership receipts likewise keep the name only."""

from django.db import transaction
from django.utils import timezone

from compagnons.accounts.models import User
from compagnons.funding.models import Invoice, Membership


def export(user: User) -> dict:
    return {
        "invoices": [
            {
                "number": invoice.number,
                "kind": invoice.kind,
                "issued_on": invoice.issued_on.isoformat(),
                "buyer_name": invoice.buyer_name,
                "buyer_address": invoice.buyer_address,
                "buyer_postcode": invoice.buyer_postcode,
                "buyer_city": invoice.buyer_city,
                "buyer_email": invoice.buyer_email,
                "total_cents": invoice.total_due_cents,
                "paid_cents": invoice.paid_cents,
            }
            for invoice in Invoice.objects.of_buyer(user).order_by("pk")
        ],
        "memberships": [
            {"year": m.year, "category": m.category, "amount_cents": m.amount_cents, "paid_on": m.paid_on.isoformat()}
            for m in Membership.objects.filter(member=user).order_by("year")
        ],
    }


def erase(user: User, traces: list[str]) -> None:
    """Keep the name, drop the rest. Drafts of this person are deleted (never issued, they are no record); the
    stored PDFs, which print the address, are removed and built again (name only) after the erasure commits."""
    from compagnons.funding.facturx import build_invoice_pdf

    Invoice.objects.filter(buyer_user=user, state="draft").delete()
    kept = list(Invoice.objects.filter(buyer_user=user))
    for invoice in kept:
        if invoice.file:
            invoice.file.delete(save=False)
    Invoice.objects.filter(pk__in=[invoice.pk for invoice in kept]).update(
        file="",
        status=Invoice.Status.PENDING,
        progress=0,
        buyer_user=None,
        buyer_address="",
        buyer_postcode="",
        buyer_city="",
        buyer_email="",
        buyer_reference="",
        buyer_erased_at=timezone.now(),
    )
    ids = [invoice.pk for invoice in kept]
    transaction.on_commit(lambda: [build_invoice_pdf.enqueue(pk) for pk in ids])
    Membership.objects.filter(member=user).update(reference="")
