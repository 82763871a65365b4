from compagnons.core.dashboard import Panel
from compagnons.ledger import balances
from compagnons.ledger.models import Transaction


def contributions_panel(request) -> Panel | None:
    """Where the member stands in giving back, and what waits for their confirmation. Two queries."""
    user = request.user
    if not (user.is_apprentice or user.is_compagnon):
        return None
    to_confirm = Transaction.objects.filter(confirmer=user, state=Transaction.State.PENDING).count()
    return Panel("ledger/panel.html", {"standing": balances.standing(user), "to_confirm": to_confirm})
