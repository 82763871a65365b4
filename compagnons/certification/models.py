"""Chef-d'œuvre, jury sessions, evaluations per bloc, decisions (parcours or VAE), appeals."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Route(models.TextChoices):
    PATH = "parcours", _("Parcours de compagnonnage")
    VAE = "vae", _("VAE (validation des acquis de l'expérience)")


class Masterpiece(models.Model):
    """The chef-d'œuvre: usually a delivered mission, with the candidate's account of it. For VAE: the dossier."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("En préparation")
        SUBMITTED = "submitted", _("Présenté, en attente du compagnon")
        READY = "ready", _("Prêt pour le jury")
        JUDGED = "judged", _("Jugé")

    candidate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="masterpieces")
    certification = models.ForeignKey("skills.Certification", on_delete=models.PROTECT, related_name="+")
    route = models.CharField(_("voie d'accès"), max_length=10, choices=Route, default=Route.PATH)
    title = models.CharField(_("titre"), max_length=200)
    mission = models.ForeignKey(
        "missions.Mission", verbose_name=_("mission"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    account = models.TextField(_("comment je l'ai fait, et ce que cela montre"))
    competences = models.ManyToManyField("skills.Competence", verbose_name=_("compétences"), related_name="+")
    status = models.CharField(_("état"), max_length=10, choices=Status, default=Status.DRAFT)
    ready_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ready_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("chef-d'œuvre")
        verbose_name_plural = _("chefs-d'œuvre")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def audit_label(self) -> str:
        return f"Chef-d'œuvre n°{self.pk}"


class JurySession(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Prévu")
        DELIBERATED = "deliberated", _("Délibéré")

    certification = models.ForeignKey("skills.Certification", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    place = models.CharField(_("lieu ou lien de visio"), max_length=200)
    organised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("état"), max_length=12, choices=Status, default=Status.PLANNED)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("session de jury")
        verbose_name_plural = _("sessions de jury")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"Jury du {self.date:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("certification:jury", args=[self.pk])

    def audit_label(self) -> str:
        return f"Jury n°{self.pk}"


class JuryMember(models.Model):
    session = models.ForeignKey(JurySession, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jury_seats")
    is_external = models.BooleanField(_("extérieur à l'association"), default=False)
    profession = models.CharField(_("métier exercé"), max_length=200)
    no_conflict_declared_at = models.DateTimeField(
        _("absence de conflit d'intérêts déclarée le"), null=True, blank=True
    )
    minutes_confirmed_at = models.DateTimeField(_("procès-verbal confirmé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("membre du jury")
        verbose_name_plural = _("membres du jury")
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="jurymember_unique")]

    def __str__(self) -> str:
        return f"Membre du jury n°{self.pk}"


class Candidacy(models.Model):
    session = models.ForeignKey(JurySession, on_delete=models.PROTECT, related_name="candidacies")
    masterpiece = models.ForeignKey(Masterpiece, on_delete=models.PROTECT, related_name="candidacies")

    class Meta:
        verbose_name = _("candidature au jury")
        verbose_name_plural = _("candidatures au jury")
        constraints = [models.UniqueConstraint(fields=["session", "masterpiece"], name="candidacy_unique")]

    def __str__(self) -> str:
        return f"Candidature n°{self.pk}"

    def audit_label(self) -> str:
        return str(self)


class Evaluation(models.Model):
    """One member's grid for one candidate and one bloc: each criterion met or not, and a comment."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="evaluations")
    member = models.ForeignKey(JuryMember, on_delete=models.CASCADE, related_name="evaluations")
    block = models.ForeignKey("skills.Block", on_delete=models.PROTECT, related_name="+")
    criteria_met = models.JSONField(_("critères remplis"), default=list)
    proposes_validation = models.BooleanField(_("propose de valider le bloc"), default=False)
    comment = models.TextField(_("commentaire"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("grille d'évaluation")
        verbose_name_plural = _("grilles d'évaluation")
        constraints = [
            models.UniqueConstraint(fields=["candidacy", "member", "block"], name="evaluation_one_per_member_block")
        ]

    def __str__(self) -> str:
        return f"Grille n°{self.pk}"


class Decision(models.Model):
    class Outcome(models.TextChoices):
        VALIDATED = "validated", _("Titre validé")
        PARTIAL = "partial", _("Validation partielle (blocs validés conservés)")
        NOT_VALIDATED = "not_validated", _("Non validé")

    candidacy = models.OneToOneField(Candidacy, on_delete=models.PROTECT, related_name="decision")
    candidate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jury_decisions")
    route = models.CharField(_("voie d'accès"), max_length=10, choices=Route)
    outcome = models.CharField(_("décision"), max_length=14, choices=Outcome)
    reasons = models.TextField(_("motifs"), blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notified_at = models.DateTimeField(_("candidat prévenu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("décision du jury")
        verbose_name_plural = _("décisions du jury")
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"Décision n°{self.pk}"

    def audit_label(self) -> str:
        return str(self)


class BlockDecision(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="blocks")
    block = models.ForeignKey("skills.Block", on_delete=models.PROTECT, related_name="+")
    validated = models.BooleanField(_("validé"))
    reasons = models.TextField(_("motifs"), blank=True)
    # A validated bloc may later be withdrawn (on appeal, or for an error or a fraud found later): its credential
    # is revoked and its compétences are withdrawn by a later jury assessment (services.withdraw_block).
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("motif du retrait"), blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("décision par bloc")
        verbose_name_plural = _("décisions par bloc")
        constraints = [
            models.UniqueConstraint(fields=["decision", "block"], name="blockdecision_unique"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | (Q(validated=True) & ~Q(withdrawn_reason="")),
                name="blockdecision_withdrawn_validated_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Bloc n°{self.pk}"

    @property
    def standing(self) -> bool:
        return self.validated and self.withdrawn_at is None


class Appeal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("En cours d'examen")
        ANSWERED = "answered", _("Réponse donnée")

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="appeal")
    reason = models.TextField(_("motif de l'appel"))
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    answer = models.TextField(_("réponse"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("appel")
        verbose_name_plural = _("appels")
        constraints = [
            models.CheckConstraint(condition=Q(status="open") | ~Q(answer=""), name="appeal_answered_has_answer")
        ]

    def __str__(self) -> str:
        return f"Appel n°{self.pk}"
