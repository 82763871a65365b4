"""Funding, plans half: one funding plan per enrollment taken, and past promotions of completed enrollments until
there are `ctx.users` plans (100,000 at 100,000 members), each with one to three sources (a mix of funders and
statuses, paid ones paid in the last three years): the plans list and the BPF read them.

Added after the data set was first built: its seeders draw from `ctx.rng_for(...)`, not `ctx.rng`."""

from datetime import timedelta
from decimal import Decimal
from itertools import batched

from django.utils import timezone

from bench import BENCH_FORMATEUR
from bench.scale.registry import SCALE_EMAILS, ScaleContext, seeder
from bench.scale.skills import current_competences
from compagnons.accounts.models import User
from compagnons.apprenticeship.models import Cohort, Enrollment, Funding
from compagnons.funding.models import FundingPlan, FundingSource, SourceKind, SourceStatus

FUNDED_PREFIX = "Promotion financée du banc"
FUNDED_COHORT_SIZE = 500
PRICES = [Decimal("4800"), Decimal("6000"), Decimal("7200")]
MIXES = [
    [(SourceKind.OPCO, 0.75), (SourceKind.EMPLOYER, 0.25)],
    [(SourceKind.FRANCE_TRAVAIL, 0.5), (SourceKind.REGION, 0.35), (SourceKind.PERSON, 0.15)],
    [(SourceKind.CPF, 1.0)],
    [(SourceKind.PERSON, 0.5), (SourceKind.OWN_FUNDS, 0.2)],  # a gap shown
    [(SourceKind.REGION, 1.0)],
]


def _plans_done(ctx: ScaleContext) -> bool:
    return FundingPlan.objects.filter(enrollment__member__email__endswith=SCALE_EMAILS).count() >= ctx.users


@seeder("funding_plans.plans", done=_plans_done)
def seed_plans(ctx: ScaleContext) -> int:
    rng = ctx.rng_for("funding_plans.plans")
    today = timezone.localdate(ctx.now)
    certification, _competences = current_competences()
    formateur = User.objects.get(email=BENCH_FORMATEUR).pk
    taken = Enrollment.objects.exclude(status=Enrollment.Status.REQUESTED).filter(
        funding_plan__isnull=True, member__email__endswith=SCALE_EMAILS
    )
    enrollment_ids = list(taken.values_list("pk", flat=True))
    missing = ctx.users - FundingPlan.objects.count() - len(enrollment_ids)
    rows = 0
    if missing > 0:  # past promotions of completed enrollments, one member each
        members = list(
            User.objects.filter(email__endswith=SCALE_EMAILS).order_by("pk").values_list("pk", flat=True)[:missing]
        )
        groups = list(batched(members, FUNDED_COHORT_SIZE))
        cohorts = []
        for n in range(len(groups)):
            starts = today - timedelta(days=rng.randrange(400, 3 * 365))
            cohorts.append(
                Cohort(
                    name=f"{FUNDED_PREFIX} {n + 1:04d}",
                    certification=certification,
                    starts_on=starts,
                    ends_on=starts + timedelta(days=330),
                    formateur_id=formateur,
                    funding=rng.choice(Funding.values),
                    capacity=FUNDED_COHORT_SIZE,
                    open_for_requests=False,
                    created_at=ctx.now - timedelta(days=(today - starts).days + 30),
                )
            )
        cohorts = Cohort.objects.bulk_create(cohorts)
        rows += len(cohorts)
        enrollments = []
        for cohort, group in zip(cohorts, groups, strict=True):
            started = ctx.now - timedelta(days=(today - cohort.starts_on).days)
            ended = started + timedelta(days=330)
            enrollments += [
                Enrollment(
                    cohort=cohort,
                    member_id=member,
                    status=Enrollment.Status.COMPLETED,
                    requested_at=started - timedelta(days=7),
                    enrolled_at=started,
                    ended_at=ended,
                    stage_changed_at=started,
                    last_activity_at=ended,
                )
                for member in group
            ]
        for batch in batched(enrollments, ctx.batch_size):
            created = Enrollment.objects.bulk_create(batch)
            enrollment_ids += [e.pk for e in created]
            rows += len(created)
    rows += _plans_and_sources(ctx, rng, enrollment_ids[: max(ctx.users - FundingPlan.objects.count(), 0)])
    return rows


def _plans_and_sources(ctx: ScaleContext, rng, enrollment_ids: list[int]) -> int:
    today = timezone.localdate(ctx.now)
    rows = 0
    for batch in batched(enrollment_ids, ctx.batch_size):
        plans = FundingPlan.objects.bulk_create(
            [FundingPlan(enrollment_id=pk, price=rng.choice(PRICES)) for pk in batch]
        )
        sources = []
        for plan in plans:
            for kind, share in rng.choice(MIXES):
                status = rng.choices(
                    [SourceStatus.PAID, SourceStatus.GRANTED, SourceStatus.REQUESTED, SourceStatus.REFUSED],
                    [60, 20, 15, 5],
                )[0]
                requested = today - timedelta(days=rng.randrange(30, 3 * 365))
                decided = requested + timedelta(days=rng.randrange(5, 30)) if status != SourceStatus.REQUESTED else None
                paid = (
                    min(decided + timedelta(days=rng.randrange(10, 60)), today) if status == SourceStatus.PAID else None
                )
                sources.append(
                    FundingSource(
                        plan=plan,
                        kind=kind,
                        amount=(plan.price * Decimal(str(share))).quantize(Decimal("0.01")),
                        file_number=f"B-{plan.pk:06d}-{kind[:3].upper()}",
                        status=status,
                        requested_on=requested,
                        decided_on=decided,
                        paid_on=paid,
                    )
                )
        FundingSource.objects.bulk_create(sources, batch_size=ctx.batch_size)
        rows += len(plans) + len(sources)
    return rows
