"""What certification holds about a person. Decisions are kept (the title must stay verifiable); free text goes."""

from compagnons.certification.models import Appeal, Decision, Masterpiece


def export(user) -> dict:
    return {
        "masterpieces": [
            {"title": m.title, "route": m.route, "status": m.status, "account": m.account}
            for m in Masterpiece.objects.filter(candidate=user)
        ],
        "decisions": [
            {
                "date": d.decided_at.isoformat(),
                "route": d.route,
                "outcome": d.outcome,
                "blocks": [
                    {
                        "code": b.block.code,
                        "validated": b.validated,
                        "withdrawn": b.withdrawn_at.isoformat() if b.withdrawn_at else None,
                        "withdrawn_reason": b.withdrawn_reason,
                    }
                    for b in d.blocks.select_related("block")
                ],
            }
            for d in Decision.objects.filter(candidate=user)
        ],
    }


def erase(user, traces: list[str]) -> None:
    Masterpiece.objects.filter(candidate=user).update(account="—")
    Appeal.objects.filter(decision__candidate=user).update(reason="—")
