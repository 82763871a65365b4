"""Selling oneself, with the mentor in the loop: the public mini-site, the directory, the brochure, the pitch."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnons.core.files import BuiltFile


class Theme(models.TextChoices):
    SOBRE = "sobre", _("Sobre (vert)")
    CHALEUREUX = "chaleureux", _("Chaleureux (terre cuite)")
    NUIT = "nuit", _("Contrasté (bleu nuit)")


class ProfileQuerySet(models.QuerySet):
    def published(self) -> "ProfileQuerySet":
        return self.filter(published=True, member__is_active=True)


def photo_path(instance, filename: str) -> str:
    return f"photos/{uuid.uuid4().hex}.jpg"


class Profile(models.Model):
    """The mini-site, edited in steps (one can stop and resume), published on opt-in at /c/<slug>/."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="showcase")
    slug = models.SlugField(_("adresse de votre page"), max_length=60, unique=True)
    headline = models.CharField(_("accroche"), max_length=160, blank=True)
    audience = models.TextField(_("pour qui je travaille"), blank=True)
    how_i_work = models.TextField(_("comment je travaille"), blank=True)
    availability_note = models.CharField(_("disponibilité"), max_length=200, blank=True)
    regions = models.CharField(_("régions"), max_length=200, blank=True)
    photo = models.ImageField(_("photo"), upload_to=photo_path, blank=True)
    theme = models.CharField(_("thème"), max_length=12, choices=Theme, default=Theme.SOBRE)
    step = models.PositiveSmallIntegerField(default=1)
    published = models.BooleanField(_("publiée"), default=False, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    review_requested_from = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(_("relecture"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("mini-site")
        verbose_name_plural = _("mini-sites")

    def __str__(self) -> str:
        return self.slug

    def get_absolute_url(self) -> str:
        return reverse("showcase:public", args=[self.slug])

    def audit_label(self) -> str:
        return f"Mini-site n°{self.pk}"


class Service(models.Model):
    class Unit(models.TextChoices):
        HOUR = "hour", _("de l'heure")
        DAY = "day", _("par jour (7 heures)")
        FIXED = "fixed", _("forfait")

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="services")
    title = models.CharField(_("prestation"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    price_cents = models.PositiveIntegerField(_("prix (centimes)"))
    unit = models.CharField(_("unité"), max_length=5, choices=Unit, default=Unit.HOUR)
    hours = models.PositiveSmallIntegerField(_("heures de travail (forfait)"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("prestation")
        verbose_name_plural = _("prestations")
        constraints = [models.CheckConstraint(condition=Q(price_cents__gt=0), name="service_price_positive")]

    def __str__(self) -> str:
        return self.title

    @property
    def hours_of_work(self) -> int:
        return {self.Unit.HOUR: 1, self.Unit.DAY: 7}.get(self.unit) or (self.hours or 0)


class PortfolioItem(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="portfolio")
    title = models.CharField(_("titre"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    link = models.URLField(_("lien"), max_length=500, blank=True)
    file = models.FileField(_("fichier (image ou PDF)"), upload_to="portfolio/", blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    # A small copy of an image (480 px), for the page's preview grid; empty for a PDF or a link.
    thumbnail = models.ImageField(upload_to="portfolio/", blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("réalisation")
        verbose_name_plural = _("réalisations")

    def __str__(self) -> str:
        return self.title

    @property
    def is_image(self) -> bool:
        return bool(self.file) and self.content_type.startswith("image/")

    @property
    def is_pdf(self) -> bool:
        return bool(self.file) and self.content_type == "application/pdf"

    @property
    def preview_url(self) -> str:
        """The thumbnail, or the image itself for a work added before thumbnails existed."""
        return (self.thumbnail or self.file).url


class ContactMessage(models.Model):
    """A visitor's message: reaches the member by e-mail and in their space; their address is never shown."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="messages")
    sender_name = models.CharField(_("votre nom"), max_length=120)
    sender_email = models.EmailField(_("votre adresse e-mail"))
    body = models.TextField(_("votre message"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message reçu")
        verbose_name_plural = _("messages reçus")

    def __str__(self) -> str:
        return f"Message n°{self.pk}"


class Pitch(models.Model):
    """A version of the member's pitch, built from five questions; reviewed by a compagnon."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        IN_REVIEW = "review", _("En relecture")
        APPROVED = "approved", _("Approuvé")
        REVISE = "revise", _("À retravailler")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pitches")
    version = models.PositiveSmallIntegerField()
    who = models.TextField(_("Qui je suis"), blank=True)
    what = models.TextField(_("Ce que je fais"), blank=True)
    for_whom = models.TextField(_("Pour qui"), blank=True)
    different = models.TextField(_("Ce qui me distingue"), blank=True)
    proof = models.TextField(_("Une preuve"), blank=True)
    text = models.TextField(_("Mon pitch"))
    status = models.CharField(max_length=8, choices=Status, default=Status.DRAFT)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="pitches_to_review"
    )
    review_comment = models.TextField(_("commentaire du relecteur"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("pitch")
        verbose_name_plural = _("pitchs")
        constraints = [models.UniqueConstraint(fields=["member", "version"], name="pitch_unique_version")]

    def __str__(self) -> str:
        return f"Pitch v{self.version}"

    def audit_label(self) -> str:
        return f"Pitch n°{self.pk}"


class Brochure(BuiltFile):
    """The two-page PDF, built in the background (`core.files`), cached until the page changes (`fingerprint`)."""

    files_folder = "brochures/"

    profile = models.OneToOneField(Profile, on_delete=models.CASCADE, related_name="brochure")
    fingerprint = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("plaquette")
        verbose_name_plural = _("plaquettes")

    def __str__(self) -> str:
        return f"Plaquette n°{self.pk}"


class Invitation(models.Model):
    """A client invited a member (their page) to apply to one of the client's published missions: once per mission
    and member, whatever the number of clicks."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="invitations")
    mission = models.ForeignKey("missions.Mission", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now)

    class Meta:
        verbose_name = _("invitation à candidater")
        verbose_name_plural = _("invitations à candidater")
        constraints = [models.UniqueConstraint(fields=["profile", "mission"], name="invitation_once_per_mission")]

    def __str__(self) -> str:
        return f"{self.profile} ← {self.mission_id}"
