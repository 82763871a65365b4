"""Read side of the ledger: what a member gave and received, by kind and over time."""

from datetime import timedelta

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from compagnons.ledger.models import Movement, Transaction


def summary(account) -> dict:
    """Given (credits) and received (debits) by kind, and month by month over the last year. Two queries.

    The welcome grant is a credit too, but nobody gave anything for it: the association offers it. It is counted
    apart (`granted`), never as time the member gave."""
    counted = Movement.objects.counted().filter(account=account)
    welcome = Q(transaction__kind=Transaction.Kind.WELCOME)
    credit, debit = Q(minutes__gt=0), Q(minutes__lt=0)
    by_kind = counted.values("transaction__kind").annotate(
        gave=Sum("minutes", filter=credit & ~welcome),
        received=Sum("minutes", filter=debit),
        granted=Sum("minutes", filter=credit & welcome),
    )
    labels = dict(Transaction.Kind.choices)
    kinds = [
        {
            "kind": labels[row["transaction__kind"]],
            "gave": row["gave"] or 0,
            "received": -(row["received"] or 0),
            "granted": row["granted"] or 0,
        }
        for row in by_kind
    ]
    since = (timezone.now() - timedelta(days=365)).replace(day=1)
    months = (
        counted.filter(created_at__gte=since)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(gave=Sum("minutes", filter=credit & ~welcome), received=Sum("minutes", filter=debit))
        .order_by("month")
    )
    timeline = [{"month": m["month"], "gave": m["gave"] or 0, "received": -(m["received"] or 0)} for m in months]
    return {
        "kinds": kinds,
        "gave": sum(k["gave"] for k in kinds),
        "received": sum(k["received"] for k in kinds),
        "granted": sum(k["granted"] for k in kinds),
        # every counted movement is a credit (given or granted) or a debit (received): their sum is the balance
        "balance": sum(k["gave"] + k["granted"] - k["received"] for k in kinds),
        "timeline": timeline,
        "chart": chart(timeline),
    }


BAR_HEIGHT = 120


def chart(timeline: list[dict]) -> dict:
    """Geometry of a small two-bars-per-month SVG chart (presentation attributes only: no inline style)."""
    peak = max([1] + [max(m["gave"], m["received"]) for m in timeline])
    bars = []
    for i, month in enumerate(timeline):
        x = 10 + i * 48
        gave_h = round(BAR_HEIGHT * month["gave"] / peak)
        received_h = round(BAR_HEIGHT * month["received"] / peak)
        bars.append(
            {
                "month": month["month"],
                "x_gave": x,
                "x_received": x + 18,
                "y_gave": 10 + BAR_HEIGHT - gave_h,
                "y_received": 10 + BAR_HEIGHT - received_h,
                "h_gave": gave_h,
                "h_received": received_h,
                "x_label": x + 16,
            }
        )
    return {
        "bars": bars,
        "width": 20 + 48 * max(1, len(timeline)),
        "height": BAR_HEIGHT + 40,
        "label_y": BAR_HEIGHT + 28,
    }
