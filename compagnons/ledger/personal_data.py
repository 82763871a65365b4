"""What the ledger holds about a person: movements stay (others' balances depend on them), free-text notes go."""

from django.db.models import Q

from compagnons.ledger.models import Movement, Transaction


def export(user) -> dict:
    return {
        "movements": [
            {
                "at": m.created_at.isoformat(),
                "kind": m.transaction.kind,
                "state": m.transaction.state,
                "minutes": m.minutes,
            }
            for m in Movement.objects.filter(account__owner=user).select_related("transaction").order_by("pk")
        ]
    }


def erase(user, traces: list[str]) -> None:
    Transaction.objects.filter(Q(beneficiary=user) | Q(confirmer=user)).exclude(note="").update(note="—")
