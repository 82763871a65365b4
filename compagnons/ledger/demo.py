"""Demo data for the ledger: most entries come from the demo's own actions (sessions, leads, missions);
here, a coaching declared and waiting for confirmation."""

from compagnons.ledger import services
from compagnons.ledger.models import Transaction


def seed(world: dict) -> None:
    if Transaction.objects.filter(kind=Transaction.Kind.COACHING).exists():
        return
    services.declare_help(
        world["marie.lefevre@demo.test"],
        world["nathalie.petit@demo.test"],
        kind=Transaction.Kind.COACHING,
        minutes=45,
        note="Préparation de son premier entretien client",
    )
