"""Revenue by origin of the funds, for the BPF (cadre C, « produits »): the issued invoices of a year, less the
credit notes issued that year, before VAT, by the origin each invoice was issued under (its funding source's kind)."""

from decimal import Decimal

from django.db.models import Sum

from compagnons.funding.models import Invoice, InvoiceKind, SourceKind


def revenue_by_origin(year: int) -> dict[SourceKind, Decimal]:
    """Euros (two decimals) per origin, every origin present (zero when nothing was invoiced)."""
    totals = dict.fromkeys(SourceKind, 0)
    rows = (
        Invoice.objects.issued()
        .filter(year=year)
        .values_list("origin", "kind")
        .annotate(cents=Sum("total_cents"))
        .order_by()
    )
    for origin, kind, cents in rows:
        sign = -1 if kind == InvoiceKind.CREDIT_NOTE else 1
        totals[SourceKind(origin)] += sign * (cents or 0)
    return {kind: (Decimal(cents) / 100).quantize(Decimal("0.01")) for kind, cents in totals.items()}
