"""What the plans and agreements half holds about a person: their funding plan, their agreements and certificates.

Signed agreements and certificates are kept after erasure: they are the proofs funders pay on and control (the
certificat de réalisation's model asks to keep them 3 years after the last payment; agreements are accounting
pieces, 10 years). An agreement still waiting for signatures has no use once the person is gone: it is cancelled."""

from compagnons.funding.models import AgreementStatus, CompletionCertificate, FundingPlan, TrainingAgreement


def export(user) -> dict:
    plans = FundingPlan.objects.filter(enrollment__member=user).prefetch_related("sources")
    return {
        "plans": [
            {
                "enrollment": plan.enrollment_id,
                "price": str(plan.price),
                "sources": [
                    {"kind": s.kind, "amount": str(s.amount), "file_number": s.file_number, "status": s.status}
                    for s in plan.sources.all()
                ],
            }
            for plan in plans
        ],
        "agreements": [
            {
                "number": a.number,
                "kind": a.kind,
                "status": a.status,
                "party": a.party_name,
                "price": str(a.price),
                "signed_at": a.signed_at.isoformat() if a.signed_at else None,
            }
            for a in TrainingAgreement.objects.filter(enrollment__member=user)
        ],
        "certificates": [
            {"from": c.period_start.isoformat(), "to": c.period_end.isoformat(), "minutes": c.minutes}
            for c in CompletionCertificate.objects.filter(enrollment__member=user)
        ],
    }


def erase(user, traces: list[str]) -> None:
    TrainingAgreement.objects.filter(enrollment__member=user, status=AgreementStatus.AWAITING).update(
        status=AgreementStatus.CANCELLED
    )
