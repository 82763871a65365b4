"""Invoices and credit notes (one gapless sequence per year), payments, memberships.

Money is in integer cents. An invoice is a draft (editable) until it is issued: then it takes the next number of its
year from a locked counter row, its totals are frozen, and it changes only through payments (`paid_cents`) and credit
notes (`credited_cents`), both written under a lock on the invoice."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnons.core.files import BuiltFile
from compagnons.funding.models.plans import FundingSource, SourceKind

__all__ = [
    "BuyerKind",
    "Invoice",
    "InvoiceCounter",
    "InvoiceKind",
    "InvoiceLine",
    "InvoiceStatus",
    "Membership",
    "Payment",
]


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Facture")
    CREDIT_NOTE = "credit_note", _("Avoir")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    ISSUED = "issued", _("Émise")


class BuyerKind(models.TextChoices):
    FUNDER = "funder", _("Financeur")
    EMPLOYER = "employer", _("Employeur")
    PERSON = "person", _("Personne")


class InvoiceCounter(models.Model):
    """The last number given in a year, for invoices and credit notes alike: the row is locked while a number is
    taken, so two issuings wait for each other and no number is skipped or given twice."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("compteur de factures")
        verbose_name_plural = _("compteurs de factures")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class InvoiceQuerySet(models.QuerySet):
    def issued(self):
        return self.filter(state=InvoiceStatus.ISSUED)

    def receivable(self):
        """Issued invoices (not credit notes) with something left to pay."""
        return self.filter(state=InvoiceStatus.ISSUED, kind=InvoiceKind.INVOICE, settled_at__isnull=True)

    def overdue(self, today=None):
        return self.receivable().filter(due_on__lt=today or timezone.localdate())

    def of_buyer(self, user):
        return self.filter(state=InvoiceStatus.ISSUED, buyer_user=user)


class Invoice(BuiltFile):
    """An invoice or a credit note to a funder, an employer or a person. The buyer's name, address and SIRET are
    copied on the invoice (an invoice says what was true the day it was issued)."""

    files_folder = "invoices/"

    kind = models.CharField(_("type"), max_length=12, choices=InvoiceKind, default=InvoiceKind.INVOICE)
    # `status` is the PDF's (BuiltFile); `state` is the invoice's.
    state = models.CharField(_("état de la facture"), max_length=8, choices=InvoiceStatus, default=InvoiceStatus.DRAFT)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("rang dans l'année"), null=True, blank=True)
    number = models.CharField(_("numéro"), max_length=20, blank=True)
    issued_on = models.DateField(_("émise le"), null=True, blank=True)
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    service_from = models.DateField(_("prestation du"), null=True, blank=True)
    service_to = models.DateField(_("prestation au"), null=True, blank=True)
    # Who pays, and under which origin the revenue counts (the BPF's lines).
    buyer_kind = models.CharField(_("client"), max_length=10, choices=BuyerKind)
    origin = models.CharField(_("origine des fonds"), max_length=16, choices=SourceKind)
    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices")
    buyer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="funding_invoices"
    )
    buyer_name = models.CharField(_("nom ou raison sociale"), max_length=200)
    buyer_address = models.TextField(_("adresse"), blank=True)
    buyer_postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    buyer_city = models.CharField(_("ville"), max_length=100, blank=True)
    buyer_siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    buyer_email = models.EmailField(_("e-mail de facturation"), blank=True)
    buyer_reference = models.CharField(
        _("référence du client (n° de dossier, bon de commande)"), max_length=80, blank=True
    )
    credited_invoice = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes"
    )
    # Frozen when issued (cents).
    total_cents = models.BigIntegerField(_("total HT"), default=0)
    vat_cents = models.BigIntegerField(_("TVA"), default=0)
    vat_exempt = models.BooleanField(_("exonérée de TVA (formation professionnelle continue)"), default=True)
    # What happened since: payments received and credit notes issued against it.
    paid_cents = models.BigIntegerField(_("payé"), default=0)
    credited_cents = models.BigIntegerField(_("avoirs"), default=0)
    settled_at = models.DateTimeField(_("soldée le"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("relances envoyées"), default=0)
    reminded_on = models.DateField(_("dernière relance"), null=True, blank=True)
    buyer_erased_at = models.DateTimeField(_("compte du client supprimé le"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="invoice_number_once_per_year"),
            models.CheckConstraint(
                condition=Q(state="draft", sequence__isnull=True) | Q(state="issued", sequence__isnull=False),
                name="invoice_issued_has_number",
            ),
            models.CheckConstraint(
                condition=Q(kind="invoice", credited_invoice__isnull=True)
                | Q(kind="credit_note", credited_invoice__isnull=False),
                name="invoice_credit_note_has_invoice",
            ),
            models.CheckConstraint(
                condition=Q(paid_cents__gte=0, credited_cents__gte=0)
                & Q(paid_cents__lte=F("total_cents") + F("vat_cents") - F("credited_cents")),
                name="invoice_never_paid_beyond_due",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_on", "id"], name="invoice_receivable_idx", condition=Q(state="issued", settled_at=None)
            ),
            models.Index(fields=["buyer_user", "-id"], name="invoice_buyer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number or _('brouillon')}"

    def audit_label(self) -> str:
        return f"{self.get_kind_display()} n°{self.number or self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.state == InvoiceStatus.DRAFT

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE

    @property
    def total_due_cents(self) -> int:
        """TTC: what the buyer owes (the same as HT while exempt)."""
        return self.total_cents + self.vat_cents

    @property
    def balance_cents(self) -> int:
        return self.total_due_cents - self.credited_cents - self.paid_cents

    def is_overdue(self, today=None) -> bool:
        return (
            self.kind == InvoiceKind.INVOICE
            and self.state == InvoiceStatus.ISSUED
            and self.settled_at is None
            and self.due_on is not None
            and self.due_on < (today or timezone.localdate())
        )


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("désignation"), max_length=300)
    quantity = models.DecimalField(_("quantité"), max_digits=10, decimal_places=2)
    unit_price_cents = models.BigIntegerField(_("prix unitaire HT"))
    amount_cents = models.BigIntegerField(_("montant HT"))

    class Meta:
        verbose_name = _("ligne de facture")
        verbose_name_plural = _("lignes de facture")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0, unit_price_cents__gt=0, amount_cents__gt=0), name="invoice_line_positive"
            )
        ]

    def __str__(self) -> str:
        return self.label


class Payment(models.Model):
    """A payment received on an invoice (a transfer, a cheque): never more than what is left to pay."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount_cents = models.BigIntegerField(_("montant"))
    received_on = models.DateField(_("reçu le"))
    reference = models.CharField(_("référence du virement"), max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("enregistré le"), default=timezone.now)

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ["received_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payment_amount_positive")]

    def __str__(self) -> str:
        return f"{self.reference} ({self.amount_cents / 100:.2f} €)"


class Membership(BuiltFile):
    """A member's membership of the association for one calendar year, with its receipt (a PDF built in the
    background). Never a condition for anything on the platform: the mission bank stays open to all."""

    files_folder = "memberships/"

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    year = models.PositiveSmallIntegerField(_("année"))
    category = models.CharField(_("catégorie"), max_length=30)
    amount_cents = models.BigIntegerField(_("montant"))
    paid_on = models.DateField(_("payée le"))
    reference = models.CharField(_("référence du paiement"), max_length=100, blank=True)
    member_name = models.CharField(_("nom de l'adhérent·e"), max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)

    class Meta:
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")
        ordering = ["-year", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="membership_once_per_year"),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="membership_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"Adhésion {self.year} n°{self.pk}"

    @property
    def receipt_number(self) -> str:
        return f"ADH-{self.year}-{self.pk:05d}"
