"""Demo data of the plans and agreements half (called by funding's demo, after every other app's demo, so that the
outcomes demo's past promotions exist): the two past promotions funded by a mix of sources (OPCO and employer,
France Travail with the Région and the person, CPF, the person with the association's own funds after a refused
Région grant: a gap shown), a signed contrat and a signed convention per promotion, and this year's: Léa's contrat
waiting for her signature and her certificat de réalisation for her first months."""

import contextlib
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from compagnons.apprenticeship.models import Cohort, Enrollment
from compagnons.core.exceptions import Refused
from compagnons.funding import agreements, certificates, plans
from compagnons.funding.models import AgreementKind, FundingPlan, PartyKind, SourceKind, SourceStatus

PRICE = Decimal("6000")
MIXES = [
    [(SourceKind.OPCO, "4500", SourceStatus.PAID, "Opco Atlas"), (SourceKind.EMPLOYER, "1500", SourceStatus.PAID, "")],
    [
        (SourceKind.FRANCE_TRAVAIL, "3000", SourceStatus.PAID, "France Travail (AIF)"),
        (SourceKind.REGION, "2000", SourceStatus.PAID, "Région Bretagne"),
        (SourceKind.PERSON, "1000", SourceStatus.PAID, ""),
    ],
    [(SourceKind.CPF, "6000", SourceStatus.PAID, "Mon Compte Formation (EDOF)")],
    [
        (SourceKind.REGION, "3000", SourceStatus.REFUSED, "Région Bretagne"),
        (SourceKind.PERSON, "1500", SourceStatus.PAID, ""),
        (SourceKind.OWN_FUNDS, "1500", SourceStatus.PAID, "Fonds de solidarité"),
    ],
]
MEANS = "Séances individuelles avec un compagnon, capsules en ligne, simulations débriefées, missions accompagnées."


def _plan(enrollment: Enrollment, mix, *, by) -> FundingPlan:
    plan = plans.create_plan(enrollment, price=PRICE, by=by)
    start = enrollment.cohort.starts_on
    today = timezone.localdate()
    for n, (kind, amount, status, name) in enumerate(mix):
        paid_on = min(start + timedelta(days=30 + 30 * n), today) if status == SourceStatus.PAID else None
        plans.add_source(
            plan,
            by=by,
            kind=kind,
            funder_name=name,
            amount=Decimal(amount),
            status=status,
            file_number=f"{kind.upper()[:4]}-{start.year}-{enrollment.pk:04d}",
            requested_on=start - timedelta(days=45),
            decided_on=start - timedelta(days=15) if status != SourceStatus.REQUESTED else None,
            paid_on=paid_on,
        )
    return plan


def _terms(cohort: Cohort) -> dict:
    return {
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "hours": 400,
        "objective": f"Obtenir la certification « {cohort.certification.name} » par un parcours accompagné.",
        "means": MEANS,
        "payment_terms": "Virement à réception de facture ; solde échelonné au fil du parcours.",
        "price": PRICE,
    }


def _signed_contract(enrollment: Enrollment, *, by):
    contract = agreements.create_agreement(
        enrollment,
        by=by,
        kind=AgreementKind.CONTRACT,
        party_kind=PartyKind.PERSON,
        first_payment=Decimal("1800"),
        **_terms(enrollment.cohort),
    )
    agreements.sign_for_organisation(contract, by=by)
    return agreements.sign_as_party(contract, by=enrollment.member)


def seed(world: dict) -> None:
    if FundingPlan.objects.exists():
        return
    staff = world["formateur@demo.test"]
    past = Cohort.objects.filter(name__in=["Promotion 2023", "Promotion 2024"]).order_by("starts_on")
    for cohort in past:
        enrollments = list(
            cohort.enrollments.exclude(status=Enrollment.Status.REQUESTED).select_related("member", "cohort")
        )
        for n, enrollment in enumerate(enrollments):
            _plan(enrollment, MIXES[n % len(MIXES)], by=staff)
        person = next((e for n, e in enumerate(enrollments) if n % len(MIXES) == 1), None)
        employer = next((e for n, e in enumerate(enrollments) if n % len(MIXES) == 0), None)
        if person is not None:
            _signed_contract(person, by=staff)
        if employer is not None:
            convention = agreements.create_agreement(
                employer,
                by=staff,
                kind=AgreementKind.CONVENTION,
                party_kind=PartyKind.EMPLOYER,
                party_name="Cabinet Leroy & associés",
                party_siret="55210055400013",
                party_user=world["client@demo.test"],
                **_terms(cohort),
            )
            agreements.sign_for_organisation(convention, by=staff)
            agreements.sign_as_party(convention, by=world["client@demo.test"])

    # This year: Léa's plan (OPCO requested, herself), her contrat waiting for her signature, her certificate.
    lea = world["apprenti@demo.test"]
    enrollment = Enrollment.objects.filter(member=lea, status=Enrollment.Status.ACTIVE).select_related("cohort").first()
    if enrollment is None:
        return
    plan = plans.create_plan(enrollment, price=PRICE, by=staff)
    plans.add_source(plan, by=staff, kind=SourceKind.PERSON, amount=Decimal("1500"))
    plans.add_source(plan, by=staff, kind=SourceKind.OPCO, amount=Decimal("3000"), file_number="OPCO-2026-0042")
    contract = agreements.create_agreement(
        enrollment,
        by=staff,
        kind=AgreementKind.CONTRACT,
        party_kind=PartyKind.PERSON,
        first_payment=Decimal("450"),
        **{**_terms(enrollment.cohort), "price": Decimal("1500")},
    )
    agreements.sign_for_organisation(contract, by=staff)
    first, _last = certificates.enrollment_bounds(enrollment)
    with contextlib.suppress(Refused):  # no confirmed hour yet in this demo world: nothing to certify
        certificates.issue_certificate(
            enrollment, period_start=first, period_end=timezone.localdate() - timedelta(days=1), by=staff
        )
