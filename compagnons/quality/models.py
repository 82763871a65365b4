"""Qualiopi evidence: satisfaction surveys (indicator 30), the complaints register (31), the improvement log (32)
and the audit dossiers built in the background. Attendance sheets are drawn from apprenticeship's sessions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnons.core.files import BuiltFile

# --- Satisfaction surveys (Qualiopi 30) ----------------------------------------------------------

SATISFIED_FROM = 3  # on the 4-point scale: « Plutôt satisfait·e » or « Très satisfait·e »


class Satisfaction(models.IntegerChoices):
    NOT_AT_ALL = 1, _("Pas du tout satisfait·e")
    RATHER_NOT = 2, _("Plutôt pas satisfait·e")
    RATHER = 3, _("Plutôt satisfait·e")
    VERY = 4, _("Très satisfait·e")


class Agreement(models.IntegerChoices):
    NOT_AT_ALL = 1, _("Pas du tout")
    RATHER_NOT = 2, _("Plutôt non")
    RATHER = 3, _("Plutôt oui")
    FULLY = 4, _("Tout à fait")


class Recommend(models.TextChoices):
    YES = "yes", _("Oui")
    MAYBE = "maybe", _("Peut-être")
    NO = "no", _("Non")


class SurveyQuerySet(models.QuerySet):
    def answered(self) -> "SurveyQuerySet":
        return self.filter(answered_at__isnull=False)

    def pending(self, now=None) -> "SurveyQuerySet":
        """Not answered and still open."""
        return self.filter(answered_at__isnull=True, closes_at__gt=now or timezone.now())


class Survey(models.Model):
    """One questionnaire for one person about one event (a stage or a path ended, a mission closed).

    Created by the periodic job from the state of the data, at most once per event and person (constraints below);
    the job marks `invited_at` and `reminders_sent` before any e-mail leaves, so nothing is sent twice.
    """

    class Kind(models.TextChoices):
        STAGE_HOT = "stage_hot", _("Fin d'étape (à chaud)")
        PATH_HOT = "path_hot", _("Fin de parcours (à chaud)")
        PATH_COLD = "path_cold", _("Six mois après le parcours (à froid)")
        MISSION = "mission", _("Fin de mission")
        COACHING = "coaching", _("Séance de coaching")

    class Audience(models.TextChoices):
        APPRENTICE = "apprentice", _("Apprenti·e")
        MENTOR = "mentor", _("Compagnon qui accompagne")
        CLIENT = "client", _("Donneur d'ordre")
        MEMBER = "member", _("Membre accompagné·e")

    kind = models.CharField(_("questionnaire"), max_length=10, choices=Kind)
    audience = models.CharField(_("répondant"), max_length=10, choices=Audience)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("personne"), on_delete=models.PROTECT, related_name="surveys"
    )
    enrollment = models.ForeignKey(
        "apprenticeship.Enrollment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    transition = models.ForeignKey(
        "apprenticeship.StageTransition", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    mission = models.ForeignKey("missions.Mission", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # A coaching session both sides confirmed (quality reads coaching; coaching never imports quality).
    coaching_booking = models.ForeignKey(
        "coaching.Booking", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cohort = models.ForeignKey(
        "apprenticeship.Cohort",
        verbose_name=_("promotion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    event_at = models.DateTimeField(_("date de l'événement"))
    created_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField(_("ouvert jusqu'au"))
    invited_at = models.DateTimeField(_("invitation envoyée le"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("relances envoyées"), default=0)
    last_reminded_at = models.DateTimeField(_("dernière relance"), null=True, blank=True)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True, db_index=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction d'ensemble"), choices=Satisfaction, null=True, blank=True
    )
    expectations = models.PositiveSmallIntegerField(_("attentes remplies"), choices=Agreement, null=True, blank=True)
    support = models.PositiveSmallIntegerField(
        _("accompagnement et échanges"), choices=Satisfaction, null=True, blank=True
    )
    recommend = models.CharField(_("recommanderait"), max_length=5, choices=Recommend, blank=True)
    liked = models.TextField(_("ce qui a été le plus utile"), blank=True)
    improve = models.TextField(_("ce qu'il faudrait améliorer"), blank=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire de satisfaction")
        verbose_name_plural = _("questionnaires de satisfaction")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["transition", "person"],
                condition=Q(transition__isnull=False),
                name="survey_one_per_transition_person",
            ),
            models.UniqueConstraint(
                fields=["enrollment", "kind", "person"],
                condition=Q(transition__isnull=True, enrollment__isnull=False),
                name="survey_one_per_path_kind_person",
            ),
            models.UniqueConstraint(
                fields=["mission", "person"], condition=Q(mission__isnull=False), name="survey_one_per_mission_person"
            ),
            models.UniqueConstraint(
                fields=["coaching_booking", "person"],
                condition=Q(coaching_booking__isnull=False),
                name="survey_one_per_coaching_person",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="stage_hot", transition__isnull=False, enrollment__isnull=False, mission__isnull=True)
                    | Q(
                        kind__in=["path_hot", "path_cold"],
                        transition__isnull=True,
                        enrollment__isnull=False,
                        mission__isnull=True,
                    )
                    | Q(kind="mission", mission__isnull=False, enrollment__isnull=True, transition__isnull=True)
                    | Q(kind="coaching", mission__isnull=True, enrollment__isnull=True, transition__isnull=True)
                ),
                name="survey_subject_matches_kind",
            ),
            models.CheckConstraint(condition=Q(reminders_sent__lte=2), name="survey_at_most_two_reminders"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=4),
                name="survey_answer_has_score",
            ),
        ]
        indexes = [
            models.Index(fields=["person"], condition=Q(answered_at__isnull=True), name="survey_unanswered_idx"),
        ]

    def __str__(self) -> str:
        return f"Questionnaire n°{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("quality:survey", args=[self.pk])

    def audit_label(self) -> str:
        return str(self)

    @property
    def satisfied(self) -> bool:
        return self.satisfaction is not None and self.satisfaction >= SATISFIED_FROM


# --- Complaints register (Qualiopi 31) -------------------------------------------------------------


class ComplaintQuerySet(models.QuerySet):
    def open(self) -> "ComplaintQuerySet":
        return self.filter(status__in=[Complaint.Status.RECEIVED, Complaint.Status.IN_PROGRESS])

    def overdue(self, today=None) -> "ComplaintQuerySet":
        """Open and past the answer deadline."""
        return self.open().filter(due_on__lt=today or timezone.localdate())


class Complaint(models.Model):
    """A complaint or a difficulty reported by anyone: numbered, acknowledged, owned, answered within a deadline."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Réclamation")
        DIFFICULTY = "difficulty", _("Difficulté rencontrée")

    class Topic(models.TextChoices):
        PATH = "path", _("Le parcours, l'accompagnement")
        MISSION = "mission", _("Une mission")
        CERTIFICATION = "certification", _("Le jury, la certification")
        PLATFORM = "platform", _("Le site")
        OTHER = "other", _("Autre chose")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Reçue")
        IN_PROGRESS = "in_progress", _("En cours")
        ANSWERED = "answered", _("Répondue")
        CLOSED = "closed", _("Close")

    number = models.CharField(_("numéro"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    kind = models.CharField(_("nature"), max_length=10, choices=Kind, default=Kind.COMPLAINT)
    topic = models.CharField(_("sujet"), max_length=15, choices=Topic, default=Topic.OTHER)
    filer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membre"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    name = models.CharField(_("nom"), max_length=120, blank=True)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    subject = models.CharField(_("objet"), max_length=200)
    body = models.TextField(_("description"))
    status = models.CharField(_("état"), max_length=12, choices=Status, default=Status.RECEIVED, db_index=True)
    received_at = models.DateTimeField(_("reçue le"), default=timezone.now)
    due_on = models.DateField(_("réponse attendue au plus tard le"))
    acknowledged_at = models.DateTimeField(_("accusé de réception envoyé le"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsable"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answer = models.TextField(_("réponse"), blank=True)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("réclamation")
        verbose_name_plural = _("réclamations")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="complaint_unique_sequence"),
            models.CheckConstraint(condition=Q(filer__isnull=False) | ~Q(email=""), name="complaint_has_contact"),
            models.CheckConstraint(
                condition=Q(status__in=["received", "in_progress"]) | ~Q(answer="") | Q(status="closed"),
                name="complaint_answered_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("quality:complaint", args=[self.pk])

    def audit_label(self) -> str:
        return f"Réclamation {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.RECEIVED, self.Status.IN_PROGRESS)

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()

    @property
    def contact_name(self) -> str:
        return self.filer.display_name if self.filer_id else self.name

    @property
    def contact_email(self) -> str:
        return self.filer.email if self.filer_id else self.email


class ComplaintCounter(models.Model):
    """The last number given each year; locked to number a complaint, so two never get the same one."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("compteur de réclamations")
        verbose_name_plural = _("compteurs de réclamations")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


# --- Continuous improvement (Qualiopi 32) ---------------------------------------------------------


class ImprovementActionQuerySet(models.QuerySet):
    def open(self) -> "ImprovementActionQuerySet":
        return self.filter(status__in=[ImprovementAction.Status.PLANNED, ImprovementAction.Status.IN_PROGRESS])

    def overdue(self, today=None) -> "ImprovementActionQuerySet":
        return self.open().filter(due_on__lt=today or timezone.localdate())


class ImprovementAction(models.Model):
    """A cause, what we do about it, who, by when, and what it changed."""

    class Cause(models.TextChoices):
        COMPLAINT = "complaint", _("Une réclamation")
        SATISFACTION = "satisfaction", _("Une satisfaction faible")
        DROPOUTS = "dropouts", _("Des abandons")
        AUDIT = "audit", _("Une remarque d'audit")
        OTHER = "other", _("Autre")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Prévue")
        IN_PROGRESS = "in_progress", _("En cours")
        DONE = "done", _("Faite")
        ABANDONED = "abandoned", _("Abandonnée")

    title = models.CharField(_("action"), max_length=200)
    cause = models.CharField(_("cause"), max_length=12, choices=Cause)
    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("réclamation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    cause_detail = models.TextField(_("précisions sur la cause"), blank=True)
    description = models.TextField(_("description"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsable"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("échéance"))
    status = models.CharField(_("état"), max_length=12, choices=Status, default=Status.PLANNED)
    effect = models.TextField(_("effet constaté"), blank=True)
    measured_result = models.CharField(_("résultat mesuré"), max_length=250, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(_("faite le"), null=True, blank=True)

    objects = ImprovementActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action d'amélioration")
        verbose_name_plural = _("actions d'amélioration")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cause="complaint", complaint__isnull=False) | (~Q(cause="complaint") & Q(complaint=None)),
                name="action_complaint_iff_cause",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quality:action_edit", args=[self.pk])

    def audit_label(self) -> str:
        return f"Action d'amélioration n°{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.IN_PROGRESS)

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()


# --- Audit dossiers (ZIP, built in the background) -----------------------------------------------------


class AuditExport(BuiltFile):
    """A ZIP for auditors, built in the background (core.files): one apprentice's dossier or the association's."""

    class Kind(models.TextChoices):
        APPRENTICE = "apprentice", _("Dossier d'un·e apprenti·e")
        ASSOCIATION = "association", _("Dossier de l'association")

    files_folder = "quality/"

    kind = models.CharField(_("dossier"), max_length=12, choices=Kind)
    apprentice = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("dossier d'audit")
        verbose_name_plural = _("dossiers d'audit")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="apprentice", apprentice__isnull=False) | Q(kind="association", apprentice=None),
                name="auditexport_apprentice_iff_kind",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="auditexport_progress_range"),
        ]

    def __str__(self) -> str:
        return f"Dossier d'audit n°{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("quality:export", args=[self.pk])

    def filename(self) -> str:
        day = timezone.localdate(self.created_at)  # the day in Paris, not in UTC (an hour or two apart at night)
        if self.kind == self.Kind.APPRENTICE:
            return f"dossier-audit-apprenti-{self.apprentice_id}-{day:%Y%m%d}.zip"
        return f"dossier-audit-association-{day:%Y%m%d}.zip"
