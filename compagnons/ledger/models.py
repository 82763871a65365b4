"""Contreparties: a double-entry, append-only ledger of help given and received, in minutes."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Movements are never edited or deleted: a mistake is corrected by a reversal transaction."""


class Account(models.Model):
    class Kind(models.TextChoices):
        MEMBER = "member", _("Membre")
        COMMONS = "commons", _("Pot commun de l'association")

    kind = models.CharField(max_length=8, choices=Kind, default=Kind.MEMBER)
    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_account"
    )
    cached_balance = models.IntegerField(
        _("solde en cache (minutes)"), default=0, help_text=_("Un cache : `ledger_audit` le recalcule et le compare.")
    )

    class Meta:
        verbose_name = _("compte de contreparties")
        verbose_name_plural = _("comptes de contreparties")
        constraints = [
            models.UniqueConstraint(fields=["kind"], condition=Q(kind="commons"), name="account_one_commons"),
            models.CheckConstraint(
                condition=(Q(kind="member", owner__isnull=False) | Q(kind="commons", owner__isnull=True)),
                name="account_owner_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return "Pot commun" if self.kind == self.Kind.COMMONS else f"Compte n°{self.pk}"


class Transaction(models.Model):
    class Kind(models.TextChoices):
        MENTORING = "mentoring", _("Séance de mentorat")
        LEAD = "lead", _("Piste devenue mission")
        REVIEW = "review", _("Relecture (pitch, candidature, preuve)")
        COACHING = "coaching", _("Coaching donné")
        COMMUNITY = "community", _("Aide dans la communauté")
        WELCOME = "welcome", _("Bienvenue")
        MISSION = "mission", _("Mission obtenue (engagement à rendre)")
        ADJUSTMENT = "adjustment", _("Ajustement par l'équipe")
        REVERSAL = "reversal", _("Correction (contre-passation)")

    class State(models.TextChoices):
        PENDING = "pending", _("En attente de confirmation")
        CONFIRMED = "confirmed", _("Confirmée")
        REVERSED = "reversed", _("Contre-passée")
        DECLINED = "declined", _("Refusée")

    COUNTED = (State.CONFIRMED, State.REVERSED)  # a reversed entry and its reversal cancel out

    kind = models.CharField(_("nature"), max_length=12, choices=Kind)
    state = models.CharField(_("état"), max_length=10, choices=State, default=State.PENDING, db_index=True)
    beneficiary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membre crédité"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("qui confirme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("La personne aidée, qui confirme une entrée en attente."),
    )
    evidence_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    evidence_id = models.PositiveBigIntegerField(null=True, blank=True)
    evidence = GenericForeignKey("evidence_type", "evidence_id")
    idempotency_key = models.CharField(max_length=120, unique=True)
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal")
    note = models.CharField(_("note"), max_length=300, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "evidence_type", "evidence_id", "beneficiary"],
                condition=Q(evidence_id__isnull=False) & ~Q(kind="reversal"),
                name="transaction_one_per_evidence_kind_beneficiary",
            ),
            models.CheckConstraint(
                condition=~Q(kind="adjustment") | (Q(operator__isnull=False) & ~Q(note="")),
                name="transaction_adjustment_has_operator_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False) | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="transaction_reversal_points_to_original",
            ),
        ]

    def __str__(self) -> str:
        return f"Transaction n°{self.pk}"

    def audit_label(self) -> str:
        return str(self)


class MovementQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Movements are append-only.")

    def delete(self):
        raise AppendOnlyError("Movements are append-only.")

    def counted(self) -> "MovementQuerySet":
        return self.filter(transaction__state__in=Transaction.COUNTED)


class Movement(models.Model):
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="movements")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="movements")
    minutes = models.IntegerField(_("minutes"))
    created_at = models.DateTimeField(default=timezone.now)

    objects = MovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("mouvement")
        verbose_name_plural = _("mouvements")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=~Q(minutes=0), name="movement_never_zero")]
        indexes = [models.Index(fields=["account", "transaction"], name="movement_account_tx_idx")]

    def __str__(self) -> str:
        return f"Mouvement n°{self.pk}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Movements are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Movements are append-only.")
