"""The path: cohorts, enrollments and stages, mentor pairing, mentoring sessions, plan and carnet de route."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnons.core.storage import private_storage


class Stage(models.TextChoices):
    APPRENTICE = "apprentice", _("Apprenti·e")
    ASPIRANT = "aspirant", _("Aspirant·e")
    COMPAGNON = "compagnon", _("Compagnon")


class Funding(models.TextChoices):
    CPF = "cpf", _("CPF")
    OPCO = "opco", _("OPCO")
    FRANCE_TRAVAIL = "france_travail", _("France Travail")
    REGION = "region", _("Région")
    SELF = "self", _("Autofinancement")
    SOLIDARITY = "solidarity", _("Solidarité (prise en charge par l'association)")


class Cohort(models.Model):
    """A promotion: the people who start (and are certified) together."""

    name = models.CharField(_("nom"), max_length=150, unique=True)
    certification = models.ForeignKey(
        "skills.Certification", verbose_name=_("certification"), on_delete=models.PROTECT, related_name="cohorts"
    )
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    formateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("formateur·rice"), on_delete=models.PROTECT, related_name="+"
    )
    funding = models.CharField(_("financement"), max_length=20, choices=Funding)
    capacity = models.PositiveSmallIntegerField(_("places"), default=12)
    open_for_requests = models.BooleanField(_("ouverte aux demandes d'inscription"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="cohort_dates_ordered"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="cohort_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("apprenticeship:cohort", args=[self.pk])


class EnrollmentQuerySet(models.QuerySet):
    def active(self) -> "EnrollmentQuerySet":
        return self.filter(status=Enrollment.Status.ACTIVE)

    def inactive_since(self, cutoff) -> "EnrollmentQuerySet":
        """Active enrollments with no activity since `cutoff` (drop-out prevention, Qualiopi 12)."""
        return self.active().filter(last_activity_at__lt=cutoff)


class DropCause(models.TextChoices):
    """Why an apprentice left the path: the causes the outcome indicators group drop-outs by (Qualiopi 12, 32)."""

    WORK = "work", _("A trouvé du travail")
    HEALTH = "health", _("Santé")
    FAMILY = "family", _("Raisons familiales")
    MONEY = "money", _("Difficultés financières")
    TIME = "time", _("Manque de temps")
    FIT = "fit", _("Le parcours ne lui convenait pas")
    OTHER = "other", _("Autre raison")


class Enrollment(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Demande d'inscription")
        ACTIVE = "active", _("En parcours")
        COMPLETED = "completed", _("Parcours terminé")
        DROPPED_OUT = "dropped_out", _("Abandon")
        CERTIFIED = "certified", _("Certifié·e")

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrollments")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments")
    stage = models.CharField(_("étape"), max_length=12, choices=Stage, default=Stage.APPRENTICE)
    status = models.CharField(_("état"), max_length=12, choices=Status, default=Status.REQUESTED)
    drop_reason = models.TextField(_("motif d'abandon"), blank=True)
    drop_cause = models.CharField(_("cause de l'abandon"), max_length=10, choices=DropCause, blank=True)
    requested_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    enrolled_at = models.DateTimeField(_("inscrit·e le"), null=True, blank=True)
    ended_at = models.DateTimeField(_("sortie le"), null=True, blank=True)
    stage_changed_at = models.DateTimeField(_("étape depuis"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("dernière activité"), default=timezone.now)
    reminded_for_activity_at = models.DateTimeField(
        _("relance envoyée pour l'inactivité depuis"), null=True, blank=True
    )

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["cohort", "member__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "member"], name="enrollment_unique_member_cohort"),
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="active"), name="enrollment_one_active_per_member"
            ),
            models.CheckConstraint(
                condition=~Q(status="dropped_out") | ~Q(drop_reason=""), name="enrollment_dropout_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"Inscription n°{self.pk}"

    def audit_label(self) -> str:
        return str(self)


class StageTransition(models.Model):
    """History of stages: who moved whom, when, on what grounds."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.CharField(max_length=12, choices=Stage)
    to_stage = models.CharField(max_length=12, choices=Stage)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    grounds = models.TextField(_("motif"), blank=True)

    class Meta:
        verbose_name = _("changement d'étape")
        verbose_name_plural = _("changements d'étape")
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"


def default_mentor_capacity() -> int:
    return settings.DEFAULT_MENTOR_CAPACITY


class PathProfile(models.Model):
    """What a member declares about their part in the path: mentoring capacity, visibility in la chaîne."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="path_profile")
    mentor_capacity = models.PositiveSmallIntegerField(
        _("nombre d'apprentis que je peux suivre"), default=default_mentor_capacity
    )
    accepting_apprentices = models.BooleanField(_("j'accepte de nouveaux apprentis"), default=True)
    public_in_chain = models.BooleanField(
        _("apparaître sous mon nom dans la chaîne publique"),
        default=False,
        help_text=_(
            "Les membres connectés voient toujours la chaîne ; les visiteurs ne voient que les noms des volontaires."
        ),
    )

    class Meta:
        verbose_name = _("profil de parcours")
        verbose_name_plural = _("profils de parcours")

    def __str__(self) -> str:
        return f"Profil n°{self.pk}"


class MentorshipQuerySet(models.QuerySet):
    def active(self) -> "MentorshipQuerySet":
        return self.filter(ended_at__isnull=True)


class Mentorship(models.Model):
    """A compagnon accompanying an apprentice. One active mentorship per apprentice; history is kept."""

    apprentice = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentorships_as_apprentice"
    )
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentorships_as_mentor")
    started_at = models.DateTimeField(_("début"), default=timezone.now)
    ended_at = models.DateTimeField(_("fin"), null=True, blank=True)
    end_reason = models.TextField(_("motif de fin"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("accompagnement")
        verbose_name_plural = _("accompagnements")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["apprentice"], condition=Q(ended_at__isnull=True), name="mentorship_one_active_per_apprentice"
            ),
            models.CheckConstraint(condition=~Q(apprentice=F("mentor")), name="mentorship_not_self"),
        ]

    def __str__(self) -> str:
        return f"Accompagnement n°{self.pk}"

    def audit_label(self) -> str:
        return str(self)


class MentorshipRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de réponse")
        ACCEPTED = "accepted", _("Acceptée")
        DECLINED = "declined", _("Déclinée")
        CANCELLED = "cancelled", _("Annulée")

    apprentice = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    compagnon = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorship_requests"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(_("état"), max_length=10, choices=Status, default=Status.PENDING)
    answer = models.TextField(_("réponse"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("demande d'accompagnement")
        verbose_name_plural = _("demandes d'accompagnement")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["apprentice", "compagnon"],
                condition=Q(status="pending"),
                name="mentorshiprequest_one_pending_per_pair",
            )
        ]

    def __str__(self) -> str:
        return f"Demande n°{self.pk}"

    def audit_label(self) -> str:
        return str(self)


class MentoringSession(models.Model):
    """Logged by the mentor, confirmed by the apprentice: attendance evidence signed by both (émargement)."""

    class Mode(models.TextChoices):
        VISIO = "visio", _("Visio")
        PHONE = "phone", _("Téléphone")
        IN_PERSON = "in_person", _("Présentiel")

    class Status(models.TextChoices):
        PENDING = "pending", _("À confirmer par l'apprenti·e")
        CONFIRMED = "confirmed", _("Confirmée par les deux")
        DISPUTED = "disputed", _("Contestée")

    mentorship = models.ForeignKey(Mentorship, on_delete=models.PROTECT, related_name="sessions")
    apprentice = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions_as_apprentice"
    )
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions_as_mentor")
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"))
    mode = models.CharField(_("modalité"), max_length=10, choices=Mode)
    competences = models.ManyToManyField("skills.Competence", verbose_name=_("compétences travaillées"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    next_steps = models.TextField(_("prochaines étapes"), blank=True)
    next_session_on = models.DateField(_("prochaine séance prévue le"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=Status, default=Status.PENDING)
    logged_at = models.DateTimeField(default=timezone.now)
    logged_ip = models.GenericIPAddressField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_ip = models.GenericIPAddressField(null=True, blank=True)
    dispute_comment = models.TextField(_("commentaire de contestation"), blank=True)

    class Meta:
        verbose_name = _("séance de mentorat")
        verbose_name_plural = _("séances de mentorat")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["apprentice", "mentor", "date"], name="session_one_per_pair_per_day"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0, duration_minutes__lte=600), name="session_duration_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Séance n°{self.pk}"

    def audit_label(self) -> str:
        return str(self)


class PlanGoal(models.Model):
    """The individual plan (Qualiopi 10): a goal per compétence gap, with a target date and steps."""

    apprentice = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_goals")
    competence = models.ForeignKey("skills.Competence", on_delete=models.PROTECT, related_name="+")
    target_date = models.DateField(_("échéance"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("objectif du plan")
        verbose_name_plural = _("objectifs du plan")
        ordering = ["target_date", "pk"]
        constraints = [models.UniqueConstraint(fields=["apprentice", "competence"], name="plangoal_unique_competence")]

    def __str__(self) -> str:
        return f"Objectif n°{self.pk}"


class PlanStep(models.Model):
    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="steps")
    label = models.CharField(_("étape"), max_length=250)
    done = models.BooleanField(_("faite"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("étape du plan")
        verbose_name_plural = _("étapes du plan")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.label


def evidence_path(instance, filename: str) -> str:
    return f"evidence/{instance.apprentice_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A piece of the carnet de route: a file, a link or a text, linked to compétences, validated by the mentor."""

    class Kind(models.TextChoices):
        FILE = "file", _("Fichier")
        LINK = "link", _("Lien")
        TEXT = "text", _("Texte")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("À examiner par le compagnon")
        CHANGES_REQUESTED = "changes", _("Modifications demandées")
        VALIDATED = "validated", _("Validée")

    apprentice = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence")
    title = models.CharField(_("titre"), max_length=200)
    kind = models.CharField(_("forme"), max_length=5, choices=Kind)
    file = models.FileField(_("fichier"), storage=private_storage, upload_to=evidence_path, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    link = models.URLField(_("lien"), max_length=500, blank=True)
    text = models.TextField(_("texte"), blank=True)
    competences = models.ManyToManyField("skills.Competence", verbose_name=_("compétences"), related_name="+")
    status = models.CharField(_("état"), max_length=10, choices=Status, default=Status.SUBMITTED)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("commentaire du compagnon"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("preuve")
        verbose_name_plural = _("preuves")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Preuve n°{self.pk}"

    def audit_label(self) -> str:
        return str(self)


class AdoptionPiece(models.Model):
    """Travail d'adoption: a first real piece of work judged good. Recorded by staff (immediate) or by the
    mentor (then confirmed by staff); it moves the apprentice to aspirant."""

    enrollment = models.OneToOneField(Enrollment, on_delete=models.PROTECT, related_name="adoption_piece")
    description = models.TextField(_("le travail et pourquoi il est jugé bon"))
    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("travail d'adoption")
        verbose_name_plural = _("travaux d'adoption")

    def __str__(self) -> str:
        return f"Travail d'adoption n°{self.pk}"
