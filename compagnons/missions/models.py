"""La banque de missions: fair missions, transparent matching, no stars."""

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnons.core.storage import private_storage

HOURS_PER_DAY = 7


def validate_siret(value: str) -> None:
    """A SIRET is 14 digits whose Luhn checksum is valid (La Poste's SIRETs excepted)."""
    digits = re.sub(r"\s", "", value)
    if not re.fullmatch(r"\d{14}", digits):
        raise ValidationError(_("Un SIRET compte 14 chiffres."))
    if digits.startswith("356000000"):
        return
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    if total % 10:
        raise ValidationError(_("Ce SIRET n'est pas valide : vérifiez les chiffres."))


class WorkerProfile(models.Model):
    """How a member works legally: declared work only."""

    class LegalStatus(models.TextChoices):
        MICRO = "micro", _("Micro-entreprise (avec SIRET)")
        PORTAGE = "portage", _("Portage salarial")
        CAE = "cae", _("Coopérative d'activité et d'emploi")
        UNDER_COMPAGNON = "under_compagnon", _("Apprenti·e travaillant sous la responsabilité de son compagnon")

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="worker_profile")
    legal_status = models.CharField(_("statut"), max_length=20, choices=LegalStatus, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    structure = models.CharField(_("société de portage ou coopérative"), max_length=200, blank=True)
    urssaf_attestation = models.FileField(
        _("attestation de vigilance URSSAF"), storage=private_storage, upload_to="urssaf/", blank=True
    )
    urssaf_attestation_on = models.DateField(_("attestation datée du"), null=True, blank=True)

    class Meta:
        verbose_name = _("statut de travail")
        verbose_name_plural = _("statuts de travail")

    def __str__(self) -> str:
        return f"Statut n°{self.pk}"

    @property
    def is_declared(self) -> bool:
        if self.legal_status == self.LegalStatus.MICRO:
            return bool(self.siret)
        if self.legal_status in (self.LegalStatus.PORTAGE, self.LegalStatus.CAE):
            return bool(self.structure)
        return self.legal_status == self.LegalStatus.UNDER_COMPAGNON

    @property
    def can_invoice(self) -> bool:
        """Declared work that invoices itself; an apprentice under their compagnon's responsibility does not."""
        return self.is_declared and self.legal_status != self.LegalStatus.UNDER_COMPAGNON


class MissionQuerySet(models.QuerySet):
    def published(self) -> "MissionQuerySet":
        return self.filter(status=Mission.Status.PUBLISHED)

    def of_client(self, user) -> "MissionQuerySet":
        return self.filter(client=user)

    def for_site(self, site) -> "MissionQuerySet":
        """The missions of the métiers `site` shows first (SiteTradeOrder, by its position), then the others; newest
        first within each. The site's choice is read from the process (`site_trade_positions`): no subquery per
        mission (a search sorted every match through it), and without a choice the plain order of the
        (status, published_at) index."""
        return self.for_positions(site_trade_positions().get(site.pk if site else None))

    def for_positions(self, positions) -> "MissionQuerySet":
        """`for_site` from the site's (trade id, position) pairs (`site_trade_positions`), or none."""
        if not positions:
            return self.order_by("-published_at", "-pk")
        rank = models.Case(
            *(models.When(trade_id=trade, then=models.Value(position)) for trade, position in positions),
            default=None,
            output_field=models.IntegerField(),
        )
        return self.annotate(site_position=rank).order_by(
            models.F("site_position").asc(nulls_last=True), "-published_at", "-pk"
        )


def site_trade_positions() -> dict[int, list[tuple[int, int]]]:
    """{site id: [(trade id, position), …]} of every site's chosen métiers, kept in the process while
    `missions_sitetradeorder` is unchanged (core.fragments.versioned)."""
    from compagnons.core import fragments

    def read() -> dict[int, list[tuple[int, int]]]:
        positions: dict[int, list[tuple[int, int]]] = {}
        for site, trade, position in SiteTradeOrder.objects.values_list("site_id", "trade_id", "position"):
            positions.setdefault(site, []).append((trade, position))
        return positions

    return fragments.versioned("site-trade-positions", ("missions_sitetradeorder",), read, local=True)


class Mission(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SUBMITTED = "submitted", _("À qualifier")
        PUBLISHED = "published", _("Publiée")
        ASSIGNED = "assigned", _("Attribuée")
        IN_PROGRESS = "in_progress", _("En cours")
        DELIVERED = "delivered", _("Livrée")
        CLOSED = "closed", _("Clôturée")
        CANCELLED = "cancelled", _("Annulée")
        EXPIRED = "expired", _("Expirée")

    class Pricing(models.TextChoices):
        FIXED = "fixed", _("Forfait")
        DAILY = "daily", _("Taux journalier")

    class Place(models.TextChoices):
        REMOTE = "remote", _("À distance")
        HYBRID = "hybrid", _("À distance, avec quelques rencontres")
        ON_SITE = "on_site", _("Sur place")

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="missions_posted")
    title = models.CharField(_("titre"), max_length=200)
    context = models.TextField(_("contexte"), help_text=_("Qui vous êtes, pourquoi cette mission, pour qui."))
    deliverables = models.TextField(_("livrables"), help_text=_("Ce qui doit être remis, concrètement."))
    trade = models.ForeignKey(
        "skills.Trade", verbose_name=_("métier"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    competences = models.ManyToManyField(
        "skills.Competence", verbose_name=_("compétences attendues"), blank=True, related_name="+"
    )
    place = models.CharField(_("lieu"), max_length=10, choices=Place, default=Place.REMOTE)
    location = models.CharField(_("ville (si sur place)"), max_length=120, blank=True)
    languages = models.CharField(_("langues"), max_length=200, default="français")
    starts_on = models.DateField(_("début souhaité"))
    deadline = models.DateField(_("date limite de livraison"))
    pricing = models.CharField(_("tarification"), max_length=5, choices=Pricing, default=Pricing.FIXED)
    budget_cents = models.PositiveIntegerField(_("budget total (centimes)"))
    estimated_hours = models.PositiveIntegerField(_("effort estimé (heures)"))
    daily_rate_cents = models.PositiveIntegerField(_("taux journalier (centimes)"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("nombre de jours"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=12, choices=Status, default=Status.DRAFT, db_index=True)
    qualification_comment = models.TextField(_("commentaire de qualification"), blank=True)
    qualified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    chosen = models.OneToOneField(
        "Application", on_delete=models.PROTECT, null=True, blank=True, related_name="chosen_for"
    )
    invoiced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lead = models.OneToOneField("Lead", on_delete=models.SET_NULL, null=True, blank=True, related_name="mission")
    invited = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membre invité·e à candidater"),
        help_text=_("La mission a été proposée depuis sa page : l'invitation part à la publication."),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="missions_invited_to",
    )

    objects = MissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(budget_cents__gt=0), name="mission_budget_positive"),
            models.CheckConstraint(condition=Q(estimated_hours__gt=0), name="mission_effort_positive"),
            models.CheckConstraint(condition=Q(deadline__gte=models.F("starts_on")), name="mission_dates_ordered"),
        ]
        indexes = [models.Index(fields=["status", "published_at"], name="mission_status_pub_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("missions:detail", args=[self.pk])

    def audit_label(self) -> str:
        return f"Mission n°{self.pk}"

    @property
    def hourly_rate_cents(self) -> int:
        return self.budget_cents // self.estimated_hours if self.estimated_hours else 0

    @property
    def is_learning(self) -> bool:
        return bool(self.chosen_id and self.chosen.partner_id)


class Lead(models.Model):
    """A client need a member came across; staff turn it into a mission with the client's consent."""

    class Status(models.TextChoices):
        NEW = "new", _("À étudier")
        CONVERTED = "converted", _("Devenue mission")
        DECLINED = "declined", _("Non retenue")

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="leads")
    contact = models.CharField(_("contact chez le client"), max_length=200)
    need = models.TextField(_("le besoin"))
    budget_hint = models.CharField(_("budget, s'il est connu"), max_length=100, blank=True)
    client_consents = models.BooleanField(_("le client est d'accord pour être contacté"), default=False)
    status = models.CharField(_("état"), max_length=10, choices=Status, default=Status.NEW)
    staff_comment = models.TextField(_("commentaire de l'équipe"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("piste")
        verbose_name_plural = _("pistes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Piste n°{self.pk}"

    def audit_label(self) -> str:
        return str(self)


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon (relecture par le compagnon)")
        SENT = "sent", _("Envoyée")
        SHORTLISTED = "shortlisted", _("Présélectionnée")
        CHOSEN = "chosen", _("Retenue")
        NOT_CHOSEN = "not_chosen", _("Non retenue")
        WITHDRAWN = "withdrawn", _("Retirée")

    OPEN = (Status.SENT, Status.SHORTLISTED)

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("apprenti·e en binôme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="binome_applications",
    )
    message = models.TextField(_("votre message"), help_text=_("Votre approche, vos disponibilités, vos questions."))
    status = models.CharField(_("état"), max_length=12, choices=Status, default=Status.SENT)
    review_requested = models.BooleanField(_("relecture demandée au compagnon"), default=False)
    mentor_comment = models.TextField(_("commentaire du compagnon"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "applicant"], name="application_one_per_member_per_mission")
        ]
        indexes = [
            models.Index(fields=["applicant", "status"], name="application_member_status_idx"),
            # Binôme partners are rare: a partial index the planner will use.
            models.Index(fields=["partner"], condition=Q(partner__isnull=False), name="application_partner_idx"),
        ]

    def __str__(self) -> str:
        return f"Candidature n°{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("missions:application", args=[self.pk])

    def audit_label(self) -> str:
        return str(self)


class Message(models.Model):
    """The thread of one application: applicant (and partner) with the client."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"Message n°{self.pk}"


def delivery_path(instance, filename: str) -> str:
    return f"deliveries/{instance.mission_id}/{uuid.uuid4().hex}"


class Delivery(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("En attente de réception")
        ACCEPTED = "accepted", _("Acceptée")
        AUTO_ACCEPTED = "auto_accepted", _("Acceptée faute de réponse sous 14 jours")
        CHANGES = "changes", _("Modifications demandées")

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="deliveries")
    note = models.TextField(_("note de livraison"))
    file = models.FileField(_("fichier"), storage=private_storage, upload_to=delivery_path, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    delivered_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=14, choices=Status, default=Status.SUBMITTED)
    answer = models.TextField(_("ce qui manque"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    on_time = models.BooleanField(default=True)

    class Meta:
        ordering = ["delivered_at"]
        verbose_name = _("livraison")
        verbose_name_plural = _("livraisons")

    def __str__(self) -> str:
        return f"Livraison n°{self.pk}"


class Dispute(models.Model):
    """Human mediation by staff, with a right of appeal."""

    class Status(models.TextChoices):
        OPEN = "open", _("En médiation")
        DECIDED = "decided", _("Décision rendue")
        APPEALED = "appealed", _("En appel")
        FINAL = "final", _("Décision d'appel rendue")

    class DecidedFor(models.TextChoices):
        CLIENT = "client", _("En faveur du donneur d'ordre")
        MEMBER = "member", _("En faveur du membre retenu")
        SHARED = "shared", _("Partagée entre les deux parties")

    class Outcome(models.TextChoices):
        """What follows for the mission; which ones apply depends on its state (`services.DISPUTE_OUTCOMES`)."""

        ACCEPT = "accept", _("Livraison acceptée, mission clôturée")
        REDO = "redo", _("Livraison à reprendre (la mission repasse « en cours »)")
        CANCEL = "cancel", _("Mission annulée")
        UNCHANGED = "unchanged", _("La mission reste en l'état")

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="disputes")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("ce qui ne va pas"))
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    response = models.TextField(_("réponse de l'autre partie"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    decided_for = models.CharField(_("décision en faveur de"), max_length=10, choices=DecidedFor, blank=True)
    outcome = models.CharField(_("suite pour la mission"), max_length=10, choices=Outcome, blank=True)
    decision = models.TextField(_("motifs de la décision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("médiation")
        verbose_name_plural = _("médiations")
        constraints = [
            models.UniqueConstraint(
                fields=["mission"], condition=~Q(status="final"), name="dispute_one_open_per_mission"
            )
        ]

    def __str__(self) -> str:
        return f"Médiation n°{self.pk}"

    def audit_label(self) -> str:
        return str(self)


class Testimonial(models.Model):
    """Written by each side at closure; hidden until both have written or the window has closed."""

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="testimonials")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    about = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="testimonials_received")
    text = models.TextField(_("témoignage"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("témoignage")
        verbose_name_plural = _("témoignages")
        constraints = [models.UniqueConstraint(fields=["mission", "author"], name="testimonial_one_per_author")]

    def __str__(self) -> str:
        return f"Témoignage n°{self.pk}"


class Attestation(models.Model):
    """The client's attestation, compétence by compétence, of what the mission demonstrated."""

    class Result(models.TextChoices):
        YES = "yes", _("Oui")
        PARTLY = "partly", _("En partie")
        NO = "no", _("Non")

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="attestations")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attestations")
    competence = models.ForeignKey("skills.Competence", on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("la mission l'a montré"), max_length=6, choices=Result)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attestation")
        verbose_name_plural = _("attestations")
        constraints = [models.UniqueConstraint(fields=["mission", "member", "competence"], name="attestation_unique")]

    def __str__(self) -> str:
        return f"Attestation n°{self.pk}"


class ClientFacts(models.Model):
    """What the member records about the client: facts, never a score."""

    mission = models.OneToOneField(Mission, on_delete=models.PROTECT, related_name="client_facts")
    payment_delay_days = models.PositiveSmallIntegerField(_("jours de retard de paiement"), default=0)
    scope_changes = models.PositiveSmallIntegerField(_("changements de périmètre en cours de mission"), default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("faits sur le client")
        verbose_name_plural = _("faits sur les clients")

    def __str__(self) -> str:
        return f"Faits n°{self.pk}"


class Announcement(models.Model):
    """A new mission announced to a member in the daily digest: never twice."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mission", "member"], name="announcement_unique")]

    def __str__(self) -> str:
        return f"Annonce n°{self.pk}"


class SiteTradeOrder(models.Model):
    """Which métiers' missions a site shows first (docs/sites.md): its missions list puts the missions of these
    métiers first, by `position`, then the others. Kept here, keyed by core's site (as community's categories)."""

    site = models.ForeignKey("core.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    trade = models.ForeignKey("skills.Trade", on_delete=models.CASCADE, related_name="+", verbose_name=_("métier"))
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("métier mis en avant par un site")
        verbose_name_plural = _("métiers mis en avant par les sites")
        ordering = ["site", "position"]
        constraints = [models.UniqueConstraint(fields=["site", "trade"], name="site_trade_order_unique")]

    def __str__(self) -> str:
        return f"{self.site_id} : {self.trade_id}"
