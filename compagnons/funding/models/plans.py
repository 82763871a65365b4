"""Funding plans and their sources; training agreements and their amendments; certificates of completion."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnons.apprenticeship.models import Enrollment
from compagnons.core.storage import private_storage

__all__ = [
    "AgreementKind",
    "AgreementStatus",
    "CompletionCertificate",
    "FundingPlan",
    "FundingSource",
    "PartyKind",
    "SourceKind",
    "SourceStatus",
    "TrainingAgreement",
]

ZERO = Decimal("0.00")


class SourceKind(models.TextChoices):
    OPCO = "opco", _("OPCO")
    CPF = "cpf", _("CPF (EDOF)")
    FRANCE_TRAVAIL = "france_travail", _("France Travail (AIF)")
    REGION = "region", _("Région")
    EMPLOYER = "employer", _("Employeur")
    PERSON = "person", _("La personne elle-même")
    OWN_FUNDS = "own_funds", _("Fonds propres de l'association")


class SourceStatus(models.TextChoices):
    REQUESTED = "requested", _("Demandé")
    GRANTED = "granted", _("Accordé")
    REFUSED = "refused", _("Refusé")
    PAID = "paid", _("Payé")


class FundingPlanQuerySet(models.QuerySet):
    def with_coverage(self) -> "FundingPlanQuerySet":
        """`covered`: the sum of the sources that are not refused (one aggregate in the same query)."""
        return self.annotate(
            covered_sum=Sum("sources__amount", filter=~Q(sources__status=SourceStatus.REFUSED), default=ZERO)
        )


class FundingPlan(models.Model):
    """How one enrollment is paid for: its price, and the sources that cover it (the gap is shown)."""

    enrollment = models.OneToOneField(Enrollment, on_delete=models.PROTECT, related_name="funding_plan")
    price = models.DecimalField(
        _("prix de la formation"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = FundingPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan de financement")
        verbose_name_plural = _("plans de financement")
        constraints = [models.CheckConstraint(condition=models.Q(price__gte=0), name="funding_plan_price_positive")]

    def __str__(self) -> str:
        return f"plan #{self.pk}"

    def audit_label(self) -> str:
        return f"Plan de financement n°{self.pk}"

    @property
    def covered(self) -> Decimal:
        """Granted, paid and requested sources (a refused one covers nothing). Annotated by `with_coverage`."""
        if hasattr(self, "covered_sum"):
            return self.covered_sum
        return sum((s.amount for s in self.sources.all() if s.status != SourceStatus.REFUSED), ZERO)

    @property
    def gap(self) -> Decimal:
        """What no source covers yet (zero when covered)."""
        return max(self.price - self.covered, ZERO)

    @property
    def is_covered(self) -> bool:
        return self.covered >= self.price


class FundingSource(models.Model):
    """One funder's share of a plan, with its file number at the funder and where the request stands."""

    plan = models.ForeignKey(FundingPlan, on_delete=models.PROTECT, related_name="sources")
    kind = models.CharField(_("financeur"), max_length=16, choices=SourceKind)
    funder_name = models.CharField(_("nom du financeur"), max_length=200, blank=True)
    amount = models.DecimalField(_("montant"), max_digits=10, decimal_places=2)
    file_number = models.CharField(_("numéro de dossier"), max_length=80, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=SourceStatus, default=SourceStatus.REQUESTED)
    requested_on = models.DateField(_("demandé le"), null=True, blank=True)
    decided_on = models.DateField(_("décidé le"), null=True, blank=True)
    paid_on = models.DateField(_("payé le"), null=True, blank=True)
    created_at = models.DateTimeField(_("ajoutée le"), default=timezone.now)

    class Meta:
        verbose_name = _("source de financement")
        verbose_name_plural = _("sources de financement")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="funding_source_amount_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.amount} €"

    def audit_label(self) -> str:
        return f"Source de financement n°{self.pk} ({self.kind})"

    @property
    def funder_label(self) -> str:
        return self.funder_name or str(self.get_kind_display())


# --- Training agreements ----------------------------------------------------------------------


class AgreementKind(models.TextChoices):
    CONVENTION = "convention", _("Convention de formation")
    CONTRACT = "contract", _("Contrat de formation")


class PartyKind(models.TextChoices):
    EMPLOYER = "employer", _("Employeur")
    FUNDER = "funder", _("Financeur")
    PERSON = "person", _("La personne elle-même")


class AgreementStatus(models.TextChoices):
    AWAITING = "awaiting", _("En attente des signatures")
    SIGNED = "signed", _("Signé")
    CANCELLED = "cancelled", _("Annulé")


def agreement_path(instance: "TrainingAgreement", filename: str) -> str:
    return f"funding/agreements/{instance.enrollment_id}/{filename}"


class TrainingAgreement(models.Model):
    """A convention (employer or funder pays) or a contrat (the person pays themself), with the mentions of the Code
    du travail frozen at creation. Never edited: a change makes an avenant (`amends` the agreement it changes).

    Signed on the platform by both parties (the organisation's team member, then the party's account: each an
    authenticated, timestamped acceptance in the audit log), or, for a party without an account, by a signed copy
    staff upload. Once signed, the PDF is kept as it was signed (`signed_pdf`, with its SHA-256)."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="agreements")
    amends = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments", verbose_name=_("avenant à")
    )
    number = models.CharField(_("numéro"), max_length=40, unique=True)
    kind = models.CharField(_("nature"), max_length=10, choices=AgreementKind)
    party_kind = models.CharField(_("cocontractant"), max_length=10, choices=PartyKind)
    party_name = models.CharField(_("raison sociale ou nom"), max_length=200)
    party_address = models.TextField(_("adresse"), blank=True)
    party_siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    party_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compte du signataire"),
    )
    title = models.CharField(_("intitulé de la formation"), max_length=250)
    objective = models.TextField(_("objectif"))
    programme = models.TextField(_("programme (blocs du référentiel)"))
    prerequisites = models.TextField(_("niveau de connaissances préalables"), blank=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    hours = models.PositiveIntegerField(_("durée (heures)"))
    means = models.TextField(_("moyens pédagogiques, techniques et d'encadrement"))
    mentor_name = models.CharField(_("compagnon qui accompagne"), max_length=200, blank=True)
    trainers = models.TextField(_("formateurs : titres et qualités"), blank=True)
    assessment = models.TextField(_("modalités de suivi et d'évaluation"), blank=True)
    price = models.DecimalField(_("prix"), max_digits=10, decimal_places=2)
    payment_terms = models.TextField(_("modalités de paiement"))
    first_payment = models.DecimalField(_("premier versement"), max_digits=10, decimal_places=2, null=True, blank=True)
    withdrawal_days = models.PositiveSmallIntegerField(_("délai de rétractation (jours)"), default=0)
    status = models.CharField(_("état"), max_length=10, choices=AgreementStatus, default=AgreementStatus.AWAITING)
    created_at = models.DateTimeField(_("établi le"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    org_signed_at = models.DateTimeField(_("signé par l'organisme le"), null=True, blank=True)
    org_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    party_signed_at = models.DateTimeField(_("signé par le cocontractant le"), null=True, blank=True)
    signed_copy = models.FileField(storage=private_storage, upload_to=agreement_path, blank=True)
    signed_copy_type = models.CharField(max_length=100, blank=True)
    signed_pdf = models.FileField(storage=private_storage, upload_to=agreement_path, blank=True)
    signed_sha256 = models.CharField(max_length=64, blank=True)
    signed_at = models.DateTimeField(_("signé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("convention ou contrat de formation")
        verbose_name_plural = _("conventions et contrats de formation")
        ordering = ["enrollment", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="agreement_price_positive"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="agreement_dates_ordered"),
            models.CheckConstraint(
                condition=~Q(kind="contract") | Q(party_kind="person"), name="agreement_contract_with_person"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        """A signed agreement is never saved again: a change makes an avenant (funding.agreements)."""
        if self.pk and type(self).objects.filter(pk=self.pk, status=AgreementStatus.SIGNED).exists():
            from compagnons.core.exceptions import InvalidTransition

            raise InvalidTransition(_("Un document signé ne se modifie pas : établissez un avenant."))
        super().save(*args, **kwargs)

    def audit_label(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def is_amendment(self) -> bool:
        return self.amends_id is not None

    @property
    def is_signed(self) -> bool:
        return self.status == AgreementStatus.SIGNED

    @property
    def withdrawal_ends_on(self):
        if self.kind != AgreementKind.CONTRACT or not self.signed_at:
            return None
        return timezone.localdate(self.signed_at) + timedelta(days=self.withdrawal_days)

    @property
    def first_payment_cap(self) -> Decimal:
        return (self.price * Decimal("0.30")).quantize(Decimal("0.01"))


# --- Certificates of completion ---------------------------------------------------------------


def certificate_path(instance: "CompletionCertificate", filename: str) -> str:
    return f"funding/certificates/{instance.enrollment_id}/{filename}"


class CompletionCertificate(models.Model):
    """The certificat de réalisation of one enrollment over one period, with the hours the attendance module counted
    when it was issued (kept as issued, with its PDF)."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="completion_certificates")
    period_start = models.DateField(_("du"))
    period_end = models.DateField(_("au"))
    minutes = models.PositiveIntegerField(_("durée réalisée (minutes)"))
    sessions = models.PositiveIntegerField(_("séances"))
    issued_at = models.DateTimeField(_("établi le"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    pdf = models.FileField(storage=private_storage, upload_to=certificate_path, blank=True)

    class Meta:
        verbose_name = _("certificat de réalisation")
        verbose_name_plural = _("certificats de réalisation")
        ordering = ["enrollment", "period_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="certificate_period_ordered"
            ),
            models.UniqueConstraint(
                fields=["enrollment", "period_start", "period_end"], name="certificate_unique_period"
            ),
        ]

    def __str__(self) -> str:
        return f"Certificat de réalisation n°{self.pk}"

    def audit_label(self) -> str:
        return str(self)

    @property
    def hours_text(self) -> str:
        hours, rest = divmod(self.minutes, 60)
        return f"{hours} h {rest:02d}" if rest else f"{hours} h"
