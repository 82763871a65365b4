"""Who sees which invoice or receipt: the team sees all (403 for others on staff pages); a member sees the issued
invoices addressed to them and their own membership receipts (404 for anyone else)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from compagnons.core.permissions import is_team
from compagnons.funding.models import Invoice, Membership


def get_invoice_for_staff(user, pk: int) -> Invoice:
    from compagnons.core.permissions import require_team

    require_team(user)
    return get_object_or_404(Invoice.objects.select_related("credited_invoice", "source", "buyer_user"), pk=pk)


def get_invoice_for_buyer(user, pk: int) -> Invoice:
    """An issued invoice addressed to this member, whose PDF is ready."""
    invoice = Invoice.objects.of_buyer(user).filter(pk=pk).first()
    if invoice is None or not invoice.ready:
        raise Http404
    return invoice


def get_receipt_for_viewer(user, pk: int) -> Membership:
    """A ready membership receipt: its member's, or the team's."""
    receipts = Membership.objects.all() if is_team(user) else Membership.objects.filter(member=user)
    membership = receipts.filter(pk=pk).first()
    if membership is None or not membership.ready:
        raise Http404
    return membership
