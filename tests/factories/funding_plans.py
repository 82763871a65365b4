"""Funding plans, agreements and certificates, built through funding's services as the team would."""

from datetime import timedelta
from decimal import Decimal

from compagnons.funding import agreements, plans
from compagnons.funding.models import AgreementKind, PartyKind, SourceKind, SourceStatus


def plan_for(enrollment, *, by, price="6000", sources=()):
    """A plan of `price` with `sources`: (kind, amount[, status]) tuples; a paid one is paid on its cohort's start."""
    plan = plans.create_plan(enrollment, price=Decimal(price), by=by)
    day = enrollment.cohort.starts_on
    for entry in sources:
        kind, amount, *rest = entry
        status = rest[0] if rest else SourceStatus.REQUESTED
        plans.add_source(
            plan,
            by=by,
            kind=kind,
            amount=Decimal(amount),
            status=status,
            file_number=f"D-{kind}",
            requested_on=day - timedelta(days=30),
            decided_on=day - timedelta(days=10) if status != SourceStatus.REQUESTED else None,
            paid_on=day if status == SourceStatus.PAID else None,
        )
    return plan


def agreement_for(enrollment, *, by, kind=AgreementKind.CONVENTION, party_user=None, **overrides):
    """A convention with an employer (no account unless `party_user`), or a contrat with the person themself."""
    cohort = enrollment.cohort
    data = {
        "kind": kind,
        "party_kind": PartyKind.PERSON if kind == AgreementKind.CONTRACT else PartyKind.EMPLOYER,
        "party_name": "" if kind == AgreementKind.CONTRACT else "Atelier Durand SARL",
        "party_siret": "" if kind == AgreementKind.CONTRACT else "12345678900011",
        "party_user": party_user,
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "hours": 400,
        "objective": "Obtenir le titre.",
        "means": "Séances avec un compagnon, capsules, simulations.",
        "payment_terms": "Virement à réception de facture.",
        "price": Decimal("6000"),
        "first_payment": Decimal("1800") if kind == AgreementKind.CONTRACT else None,
    }
    data.update(overrides)
    return agreements.create_agreement(enrollment, by=by, **data)


__all__ = ["SourceKind", "agreement_for", "plan_for"]
