"""Funding plans: per enrollment, its price and the sources that cover it (OPCO, CPF through EDOF, France Travail,
Région, employer, the person, the association's own funds). Every write is here, by a team member, audited.

Rules: an amount is positive (zero or negative is refused); the sources that are not refused never add up to more
than the price (over-funding is refused; a shortfall is allowed and shown as the gap); a paid source has its payment
date; dates follow each other (requested ≤ decided ≤ paid)."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from compagnons.apprenticeship.models import Enrollment
from compagnons.core import audit
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.money import euros
from compagnons.core.permissions import is_team, require_team
from compagnons.funding.models import FundingPlan, FundingSource, SourceKind, SourceStatus

SOURCE_FIELDS = ("kind", "funder_name", "amount", "file_number", "status", "requested_on", "decided_on", "paid_on")


def _team(by) -> None:
    if not is_team(by):
        raise PermissionRefused(_("Seule l'équipe gère les plans de financement."))


def _amount(value, label: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidTransition(_("%(label)s : indiquez un montant en euros.") % {"label": label}) from None
    if amount <= 0:
        raise InvalidTransition(
            _("%(label)s : le montant doit être supérieur à zéro (un montant nul ou négatif est refusé).")
            % {"label": label}
        )
    return amount


def _cents(amount: Decimal) -> int:
    return int(amount * 100)


@transaction.atomic
def create_plan(enrollment: Enrollment, *, price, by) -> FundingPlan:
    _team(by)
    if enrollment.status == Enrollment.Status.REQUESTED:
        raise InvalidTransition(_("Cette personne n'est pas encore inscrite : acceptez d'abord son inscription."))
    price = _amount(price, _("Prix de la formation"))
    if FundingPlan.objects.filter(enrollment=enrollment).exists():
        raise InvalidTransition(_("Cette inscription a déjà son plan de financement."))
    plan = FundingPlan.objects.create(enrollment=enrollment, price=price)
    audit.log(by, "funding.plan_created", plan, enrollment=enrollment.pk, price=str(price))
    return plan


@transaction.atomic
def change_price(plan: FundingPlan, *, price, by) -> FundingPlan:
    _team(by)
    plan = FundingPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    price = _amount(price, _("Prix de la formation"))
    covered = sum((s.amount for s in plan.sources.exclude(status=SourceStatus.REFUSED)), Decimal("0"))
    if covered > price:
        raise InvalidTransition(
            _("Les sources déjà inscrites (%(covered)s) dépassent ce prix : réduisez-les d'abord.")
            % {"covered": euros(_cents(covered))}
        )
    old = plan.price
    plan.price = price
    plan.save(update_fields=["price", "updated_at"])
    audit.log(by, "funding.plan_price_changed", plan, before=str(old), after=str(price))
    return plan


def _check_source(plan: FundingPlan, data: dict, *, exclude_pk: int | None = None) -> dict:
    if data.get("kind") not in SourceKind.values:
        raise InvalidTransition(_("Choisissez le financeur."))
    if data.get("status", SourceStatus.REQUESTED) not in SourceStatus.values:
        raise InvalidTransition(_("Choisissez l'état de la demande."))
    data["amount"] = _amount(data.get("amount"), _("Montant"))
    requested, decided, paid = data.get("requested_on"), data.get("decided_on"), data.get("paid_on")
    if requested and decided and decided < requested:
        raise InvalidTransition(_("La décision ne peut pas précéder la demande."))
    if paid and (decided or requested) and paid < (decided or requested):
        raise InvalidTransition(_("Le paiement ne peut pas précéder la demande ni la décision."))
    status = data.get("status", SourceStatus.REQUESTED)
    if status == SourceStatus.PAID and not paid:
        raise InvalidTransition(_("Indiquez la date du paiement d'une source payée."))
    if status != SourceStatus.PAID and paid:
        raise InvalidTransition(_("Une date de paiement ne va qu'avec l'état « Payé »."))
    if status in (SourceStatus.GRANTED, SourceStatus.REFUSED) and not decided:
        raise InvalidTransition(_("Indiquez la date de la décision du financeur."))
    if status != SourceStatus.REFUSED:
        others = plan.sources.exclude(status=SourceStatus.REFUSED)
        if exclude_pk:
            others = others.exclude(pk=exclude_pk)
        covered = sum((s.amount for s in others), Decimal("0")) + data["amount"]
        if covered > plan.price:
            raise InvalidTransition(
                _(
                    "Avec ce montant, les sources (%(covered)s) dépasseraient le prix de la formation (%(price)s) : "
                    "il reste %(left)s à couvrir."
                )
                % {
                    "covered": euros(_cents(covered)),
                    "price": euros(_cents(plan.price)),
                    "left": euros(_cents(max(plan.price - covered + data["amount"], Decimal("0")))),
                }
            )
    for key in ("funder_name", "file_number"):
        data[key] = (data.get(key) or "").strip()
    return data


@transaction.atomic
def add_source(plan: FundingPlan, *, by, **data) -> FundingSource:
    _team(by)
    plan = FundingPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    data = _check_source(plan, {k: v for k, v in data.items() if k in SOURCE_FIELDS})
    source = FundingSource.objects.create(plan=plan, **data)
    audit.log(by, "funding.source_added", source, plan=plan.pk, kind=source.kind, amount=str(source.amount))
    return source


@transaction.atomic
def change_source(source: FundingSource, *, by, **data) -> FundingSource:
    _team(by)
    plan = FundingPlan.objects.select_for_update(of=("self",)).get(pk=source.plan_id)
    source = FundingSource.objects.get(pk=source.pk)
    merged = {key: getattr(source, key) for key in SOURCE_FIELDS}
    merged.update({k: v for k, v in data.items() if k in SOURCE_FIELDS})
    merged = _check_source(plan, merged, exclude_pk=source.pk)
    changed = {k: [str(getattr(source, k)), str(v)] for k, v in merged.items() if getattr(source, k) != v}
    for key, value in merged.items():
        setattr(source, key, value)
    source.save()
    audit.log(by, "funding.source_changed", source, plan=plan.pk, changed=sorted(changed))
    return source


# --- Reads ------------------------------------------------------------------------------------


def get_plan_for_team(user, enrollment_pk: int) -> tuple[Enrollment, FundingPlan | None]:
    require_team(user)
    enrollment = get_object_or_404(Enrollment.objects.select_related("member", "cohort"), pk=enrollment_pk)
    plan = FundingPlan.objects.filter(enrollment=enrollment).prefetch_related("sources").first()
    return enrollment, plan


def get_source_for_team(user, pk: int) -> FundingSource:
    require_team(user)
    return get_object_or_404(FundingSource.objects.select_related("plan__enrollment__member"), pk=pk)


def enrollments_with_plans(cohort_id: int | None = None, gap_only: bool = False):
    """Enrollments (not mere requests) with their plan's price and coverage: one query, paginated by the caller."""
    from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
    from django.db.models.functions import Coalesce

    covered = (
        FundingSource.objects.filter(plan__enrollment=OuterRef("pk"))
        .exclude(status=SourceStatus.REFUSED)
        .values("plan__enrollment")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    rows = (
        Enrollment.objects.exclude(status=Enrollment.Status.REQUESTED)
        .select_related("member", "cohort")
        .annotate(
            plan_price=F("funding_plan__price"),
            covered=Coalesce(
                Subquery(covered, output_field=DecimalField(max_digits=12, decimal_places=2)),
                Value(Decimal("0.00")),
                output_field=DecimalField(max_digits=12, decimal_places=2),
            ),
        )
        .order_by("-cohort__starts_on", "member__last_name", "pk")
    )
    if cohort_id:
        rows = rows.filter(cohort_id=cohort_id)
    if gap_only:
        rows = rows.filter(Q(funding_plan__isnull=True) | Q(funding_plan__price__gt=F("covered")))
    return rows
