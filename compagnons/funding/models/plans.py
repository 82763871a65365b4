"""Funding plans and their sources; training agreements and their amendments; certificates of completion."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from compagnons.apprenticeship.models import Enrollment

__all__ = ["FundingPlan", "FundingSource", "SourceKind", "SourceStatus"]


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


class FundingPlan(models.Model):
    """How one enrollment is paid for: its price, and the sources that cover it (the gap is shown)."""

    enrollment = models.OneToOneField(Enrollment, on_delete=models.PROTECT, related_name="funding_plan")
    price = models.DecimalField(
        _("prix de la formation"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("plan de financement")
        verbose_name_plural = _("plans de financement")
        constraints = [models.CheckConstraint(condition=models.Q(price__gte=0), name="funding_plan_price_positive")]

    def __str__(self) -> str:
        return f"plan #{self.pk}"


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

    class Meta:
        verbose_name = _("source de financement")
        verbose_name_plural = _("sources de financement")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="funding_source_amount_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.amount} €"
