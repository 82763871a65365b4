from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPRENTICE = "apprentice", _("Apprenti·e")
    COMPAGNON = "compagnon", _("Compagnon")
    CLIENT = "client", _("Donneur d'ordre")
    STAFF = "staff", _("Formateur·rice ou coordinateur·rice")


class Region(models.TextChoices):
    AUVERGNE_RHONE_ALPES = "ARA", "Auvergne-Rhône-Alpes"
    BOURGOGNE_FRANCHE_COMTE = "BFC", "Bourgogne-Franche-Comté"
    BRETAGNE = "BRE", "Bretagne"
    CENTRE_VAL_DE_LOIRE = "CVL", "Centre-Val de Loire"
    CORSE = "COR", "Corse"
    GRAND_EST = "GES", "Grand Est"
    HAUTS_DE_FRANCE = "HDF", "Hauts-de-France"
    ILE_DE_FRANCE = "IDF", "Île-de-France"
    NORMANDIE = "NOR", "Normandie"
    NOUVELLE_AQUITAINE = "NAQ", "Nouvelle-Aquitaine"
    OCCITANIE = "OCC", "Occitanie"
    PAYS_DE_LA_LOIRE = "PDL", "Pays de la Loire"
    PROVENCE_ALPES_COTE_D_AZUR = "PAC", "Provence-Alpes-Côte d'Azur"
    GUADELOUPE = "GUA", "Guadeloupe"
    GUYANE = "GUF", "Guyane"
    MARTINIQUE = "MTQ", "Martinique"
    MAYOTTE = "MAY", "Mayotte"
    LA_REUNION = "LRE", "La Réunion"
    ABROAD = "ETR", _("Hors de France")


class Availability(models.TextChoices):
    FULL_TIME = "full_time", _("À temps plein")
    PART_TIME = "part_time", _("À temps partiel")
    FEW_HOURS = "few_hours", _("Quelques heures par semaine")
    UNAVAILABLE = "unavailable", _("Indisponible pour le moment")


class Digest(models.TextChoices):
    NEVER = "never", _("Jamais")
    DAILY = "daily", _("Chaque jour")
    WEEKLY = "weekly", _("Chaque semaine")


class UserQuerySet(models.QuerySet):
    def with_role(self, role: str) -> "UserQuerySet":
        return self.filter(role_grants__role=role)

    def active(self) -> "UserQuerySet":
        return self.filter(is_active=True, erased_at__isnull=True)

    def awaiting_recognition(self) -> "UserQuerySet":
        """Members who asked to transmit and are not compagnons yet."""
        return (
            self.active()
            .filter(transmit_requested_at__isnull=False)
            .exclude(role_grants__role=Role.COMPAGNON)
            .order_by("transmit_requested_at")
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in by e-mail; holds any number of roles (see RoleGrant)."""

    email = models.EmailField(_("adresse e-mail"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(
        _("accès à l'administration"),
        default=False,
        help_text=_("Donné avec le rôle formateur·rice ou coordinateur·rice."),
    )
    date_joined = models.DateTimeField(_("inscription"), default=timezone.now)
    site = models.ForeignKey(
        "core.Site",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site d'inscription"),
        help_text=_("Les liens de ses e-mails mènent à ce site (docs/sites.md)."),
    )

    # Profile basics.
    trade = models.CharField(_("métier"), max_length=150, blank=True)
    region = models.CharField(_("région"), max_length=3, choices=Region, blank=True)
    languages = models.CharField(
        _("langues"),
        max_length=200,
        blank=True,
        help_text=_("Séparées par des virgules, par exemple : français, anglais"),
    )
    availability = models.CharField(_("disponibilité"), max_length=20, choices=Availability, blank=True)
    availability_note = models.CharField(_("précisions sur la disponibilité"), max_length=200, blank=True)

    # What the person came for, asked at sign-up; "transmettre" waits for staff recognition.
    transmit_requested_at = models.DateTimeField(_("souhaite transmettre depuis"), null=True, blank=True)

    # Notification preferences.
    notify_by_email = models.BooleanField(_("recevoir les notifications par e-mail"), default=True)
    digest = models.CharField(_("récapitulatif par e-mail"), max_length=10, choices=Digest, default=Digest.WEEKLY)

    erased_at = models.DateTimeField(_("compte supprimé le"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]
        indexes = [
            # The staff's queue of recognition requests: a handful of rows among all members.
            models.Index(
                fields=["transmit_requested_at"],
                name="user_transmit_requested_idx",
                condition=models.Q(transmit_requested_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    def audit_label(self) -> str:
        return f"Membre n°{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile")

    @property
    def display_name(self) -> str:
        if self.erased_at:
            return str(_("Compte supprimé"))
        full = f"{self.first_name} {self.last_name}".strip()
        return full or self.email

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.first_name or self.display_name

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(self.role_grants.values_list("role", flat=True))

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_apprentice(self) -> bool:
        return Role.APPRENTICE in self.roles

    @property
    def is_compagnon(self) -> bool:
        return Role.COMPAGNON in self.roles

    @property
    def is_client(self) -> bool:
        return Role.CLIENT in self.roles

    @property
    def is_formateur(self) -> bool:
        return Role.STAFF in self.roles


class RoleGrant(models.Model):
    """A role a person holds; who granted it and on what grounds. Revoking deletes it (and is audit-logged)."""

    user = models.ForeignKey(User, verbose_name=_("membre"), on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("rôle"), max_length=20, choices=Role)
    granted_at = models.DateTimeField(_("attribué le"), default=timezone.now)
    granted_by = models.ForeignKey(
        User,
        verbose_name=_("attribué par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("motif"), blank=True)

    class Meta:
        verbose_name = _("rôle attribué")
        verbose_name_plural = _("rôles attribués")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="rolegrant_unique_user_role"),
            models.CheckConstraint(condition=models.Q(role__in=[r.value for r in Role]), name="rolegrant_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.user.audit_label()}"


class CharterVersionQuerySet(models.QuerySet):
    def published(self) -> "CharterVersionQuerySet":
        return self.filter(published_at__isnull=False, published_at__lte=timezone.now())

    def current(self) -> "CharterVersion | None":
        return self.published().order_by("-version").first()


class CharterVersion(models.Model):
    """The charte d'entraide: rights and duties of apprentices, compagnons, clients and the association."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(
        _("texte"),
        help_text=_("Texte simple : une ligne commençant par « ## » est un titre, par « - » un élément de liste."),
    )
    changes = models.TextField(_("ce qui change"), blank=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)

    objects = CharterVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("version de la charte")
        verbose_name_plural = _("versions de la charte")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class CharterAcceptance(models.Model):
    """Who accepted which version of the charter, and when. Never edited."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="charter_acceptances")
    charter = models.ForeignKey(CharterVersion, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(_("acceptée le"), default=timezone.now)

    class Meta:
        verbose_name = _("acceptation de la charte")
        verbose_name_plural = _("acceptations de la charte")
        ordering = ["-accepted_at"]
        constraints = [models.UniqueConstraint(fields=["user", "charter"], name="charteracceptance_unique")]

    def __str__(self) -> str:
        return f"{self.user.audit_label()} — v{self.charter.version}"
