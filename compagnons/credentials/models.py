"""Issued Open Badges 3.0 credentials, the signing keys that sign them (private halves on disk), revocation."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SigningKey(models.Model):
    """An Ed25519 key. The private key lives in a file under CREDENTIALS_KEY_DIR, never in the database and never
    served; the public key is published in the issuer profile. Retired keys stay published: old credentials verify."""

    kid = models.SlugField(_("identifiant"), max_length=40, unique=True)
    public_multibase = models.CharField(_("clé publique (multibase)"), max_length=80)
    private_key_file = models.CharField(_("fichier de la clé privée"), max_length=200)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("clé de signature")
        verbose_name_plural = _("clés de signature")
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=Q(active=True), name="signingkey_one_active")
        ]

    def __str__(self) -> str:
        return self.kid


class IssuedCredential(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credentials")
    achievement_type = models.CharField(max_length=20)
    achievement_key = models.CharField(max_length=200)
    name = models.CharField(_("intitulé"), max_length=300)
    document = models.JSONField(_("le titre signé"))
    status_index = models.PositiveIntegerField(unique=True)
    evidence_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    evidence_id = models.PositiveBigIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.TextField(_("motif de la révocation"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("titre vérifiable")
        verbose_name_plural = _("titres vérifiables")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["evidence_type", "evidence_id", "member", "achievement_key"],
                name="credential_once_per_evidence",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoke_reason=""), name="credential_revocation_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("credentials:verify", args=[self.uuid])

    def audit_label(self) -> str:
        return f"Titre {self.uuid}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class House(models.Model):
    """Another instance of the platform (another association, another region), registered by the team by its
    did:web: its credentials and endorsements verify here, their keys read from its DID document."""

    did = models.CharField(_("identifiant did:web"), max_length=200, unique=True)
    name = models.CharField(_("nom de la maison"), max_length=200)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("maison")
        verbose_name_plural = _("maisons")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def audit_label(self) -> str:
        return f"Maison {self.did}"


class HouseCredential(models.Model):
    """A credential another registered house issued to this member, which they added here (checked: signed by the
    house, valid, and bearing the hash of their e-mail): their mini-site shows it as coming from that house."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="house_credentials")
    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="credentials")
    credential_id = models.CharField(max_length=500)
    name = models.CharField(_("intitulé"), max_length=300)
    document = models.JSONField(_("le titre signé"))
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("titre d'une autre maison")
        verbose_name_plural = _("titres d'autres maisons")
        ordering = ["-added_at"]
        constraints = [
            models.UniqueConstraint(fields=["member", "credential_id"], name="house_credential_once_per_member")
        ]

    def __str__(self) -> str:
        return self.name

    def audit_label(self) -> str:
        return f"Titre de maison {self.pk}"


class HouseEndorsement(models.Model):
    """An EndorsementCredential a registered house signed, which a member added here: it verifies, and its subject is
    one of THEIR titles — one we issued them or a house's title they added (the only thing binding an
    EndorsementSubject, which carries nothing but an id and a comment, to a member). Their mini-site shows it."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="house_endorsements")
    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="endorsements")
    credential_id = models.CharField(max_length=500)
    #: the endorsed title: exactly one of the two
    issued_credential = models.ForeignKey(
        IssuedCredential, on_delete=models.CASCADE, null=True, blank=True, related_name="house_endorsements"
    )
    house_credential = models.ForeignKey(
        HouseCredential, on_delete=models.CASCADE, null=True, blank=True, related_name="endorsements"
    )
    name = models.CharField(_("intitulé"), max_length=300)
    comment = models.TextField(_("recommandation"), blank=True)
    document = models.JSONField(_("la recommandation signée"))
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("recommandation d'une autre maison")
        verbose_name_plural = _("recommandations d'autres maisons")
        ordering = ["-added_at"]
        constraints = [
            models.UniqueConstraint(fields=["member", "credential_id"], name="house_endorsement_once_per_member"),
            models.CheckConstraint(
                condition=Q(issued_credential__isnull=True, house_credential__isnull=False)
                | Q(issued_credential__isnull=False, house_credential__isnull=True),
                name="house_endorsement_endorses_one_title",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_label(self) -> str:
        return f"Recommandation de maison {self.pk}"

    @property
    def endorsed_title(self) -> str:
        title = self.issued_credential or self.house_credential
        return title.name if title else ""

    @property
    def verification_url(self) -> str:
        """The endorsement's id when it is a web address (the house's public page for it); never a javascript: link."""
        return self.credential_id if self.credential_id.startswith(("https://", "http://")) else ""
