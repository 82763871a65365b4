import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditLogQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model) -> "AuditLogQuerySet":
        return self.filter(target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk))

    def involving_user(self, user) -> "AuditLogQuerySet":
        user_type = ContentType.objects.get_for_model(user)
        return self.filter(models.Q(actor=user) | models.Q(target_type=user_type, target_id=str(user.pk)))


class AuditLog(models.Model):
    """Who did what to which object, when, with what data. Written by services, never edited."""

    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("type d'objet"), null=True, blank=True, on_delete=models.SET_NULL
    )
    target_id = models.CharField(_("identifiant de l'objet"), max_length=64, blank=True)
    target_repr = models.CharField(_("objet"), max_length=200, blank=True)
    data = models.JSONField(_("données"), default=dict, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="auditlog_target_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"


class PeriodicJobRun(models.Model):
    """When each periodic job was last enqueued: the scheduler's memory, one row per job."""

    name = models.CharField(_("tâche"), max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField(_("dernier lancement"), null=True, blank=True)
    runs = models.PositiveIntegerField(_("lancements"), default=0)

    class Meta:
        verbose_name = _("tâche périodique")
        verbose_name_plural = _("tâches périodiques")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RateLimitCounter(models.Model):
    """How many times a key (an address, a page, a client) was counted in its current window: the rate limiter's
    memory when no Redis is configured (compagnons/core/ratelimit.py). Old rows are purged daily."""

    key = models.CharField(_("clé"), max_length=200, unique=True)
    window_start = models.DateTimeField(_("début de la fenêtre"))
    count = models.PositiveIntegerField(_("nombre"), default=0)

    class Meta:
        verbose_name = _("compteur de limite")
        verbose_name_plural = _("compteurs de limite")
        indexes = [models.Index(fields=["window_start"], name="ratelimit_window_idx")]

    def __str__(self) -> str:
        return self.key


class WorkerHeartbeat(models.Model):
    """The last sign of life of each task worker (`manage.py db_worker`, compagnons/core/worker.py): /sante/ reads
    the freshest; the reclaim of abandoned tasks reads the one of the worker that claimed them."""

    worker_id = models.CharField(_("travailleur"), max_length=64, unique=True)
    beat_at = models.DateTimeField(_("dernier signe de vie"), db_index=True)

    class Meta:
        verbose_name = _("signe de vie d'un travailleur")
        verbose_name_plural = _("signes de vie des travailleurs")

    def __str__(self) -> str:
        return self.worker_id


hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Donnez une couleur au format #RRVVBB, par exemple #1f6f5c."))


def site_logo_path(instance, filename: str) -> str:
    """A new name at each upload (browsers and proxies may keep the old one): re-encoded PNG (core.sites)."""
    return f"sites/{uuid.uuid4().hex}.png"


class Site(models.Model):
    """One of the sites this instance answers for (docs/sites.md): its branding, chosen by the request's host
    (compagnons/core/sites.py). Accounts, the path, the missions and the credentials are shared by all sites."""

    name = models.CharField(_("nom"), max_length=100)
    tagline = models.CharField(_("accroche"), max_length=200, blank=True)
    primary_colour = models.CharField(_("couleur principale"), max_length=7, default="#1f6f5c", validators=[hex_colour])
    accent_colour = models.CharField(_("couleur d'accent"), max_length=7, default="#c2410c", validators=[hex_colour])
    home_text = models.TextField(_("texte de l'accueil"), blank=True)
    email_sender = models.CharField(
        _("expéditeur des e-mails"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple : Compagnons <ne-pas-repondre@exemple.fr>. Vide : l'expéditeur par défaut."),
    )
    footer_text = models.CharField(_("texte du pied de page"), max_length=300, blank=True)
    default_language = models.CharField(
        _("langue par défaut"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    logo = models.ImageField(_("logo"), upload_to=site_logo_path, blank=True)
    is_default = models.BooleanField(
        _("site par défaut"), default=False, help_text=_("Celui des hôtes autorisés qui n'ont pas de site.")
    )

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="core_site_one_default"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SiteHost(models.Model):
    """A host name (without port) a site answers on; one site per host. Its links keep SITE_URL's scheme and port."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="hosts", verbose_name=_("site"))
    host = models.CharField(_("hôte"), max_length=253, unique=True)

    class Meta:
        verbose_name = _("hôte d'un site")
        verbose_name_plural = _("hôtes des sites")
        ordering = ["host"]

    def __str__(self) -> str:
        return self.host
