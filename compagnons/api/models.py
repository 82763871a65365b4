"""Personal access tokens: a member's key to their own data through /api/v1/, with scopes and an expiry.

Only the SHA-256 of the secret is stored (the secret has 256 bits of entropy: a plain hash suffices, no slow KDF);
the secret itself is shown once, when the token is created. `prefix` (the secret's first characters) lets the
member tell their tokens apart."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    READ_PROFILE = "read:profile", _("Lire votre profil")
    READ_MISSIONS = "read:missions", _("Lire vos candidatures")
    WRITE_APPLICATIONS = "write:applications", _("Candidater à une mission en votre nom")
    READ_LEDGER = "read:ledger", _("Lire vos contreparties")
    READ_SESSIONS = "read:sessions", _("Lire vos séances de coaching")
    READ_INDICATORS = "read:indicators", _("Équipe : lire les indicateurs et l'export France Compétences")


# Scopes only the team may hold (checked at creation and again at each use).
TEAM_SCOPES = frozenset({Scope.READ_INDICATORS})


class AccessTokenQuerySet(models.QuerySet):
    def usable(self, now=None) -> "AccessTokenQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class AccessToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=80)
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeton d'accès personnel")
        verbose_name_plural = _("jetons d'accès personnels")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def audit_label(self) -> str:
        return f"Jeton n°{self.pk}"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def scope_labels(self) -> list[str]:
        return [str(Scope(scope).label) for scope in self.scopes if scope in Scope.values]
