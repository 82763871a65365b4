"""The référentiel (certification, blocs, compétences, métiers) and what a member can do, and how we know it."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CertificationQuerySet(models.QuerySet):
    def active(self) -> "CertificationQuerySet":
        return self.filter(status=Certification.Status.ACTIVE)

    def current(self, slug: str | None = None) -> "Certification | None":
        qs = self.active()
        if slug:
            qs = qs.filter(slug=slug)
        return qs.order_by("-activated_at", "-version").first()


class Certification(models.Model):
    """A titre as France Compétences describes it: RNCP (with blocs) or RS (compétences directly under it).

    Each version is its own row; a version members were assessed against is never rewritten:
    changes make a new version (services.new_version).
    """

    class Kind(models.TextChoices):
        RNCP = "RNCP", _("RNCP (titre avec blocs de compétences)")
        RS = "RS", _("Répertoire spécifique (sans blocs)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        ACTIVE = "active", _("En vigueur")
        ARCHIVED = "archived", _("Archivée")

    slug = models.SlugField(_("identifiant"), max_length=80)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("intitulé"), max_length=250)
    kind = models.CharField(_("type"), max_length=4, choices=Kind, default=Kind.RNCP)
    code = models.CharField(
        _("code France Compétences"),
        max_length=20,
        blank=True,
        help_text=_("Vide tant que le titre n'est pas enregistré."),
    )
    level = models.PositiveSmallIntegerField(
        _("niveau"), null=True, blank=True, help_text=_("Niveau du cadre national des certifications (1 à 8).")
    )
    activities = models.TextField(_("activités visées (référentiel d'activités)"), blank=True)
    jury_composition = models.TextField(_("composition du jury"), blank=True)
    rome_codes = models.JSONField(_("codes ROME"), default=list, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=Status, default=Status.DRAFT)
    activated_at = models.DateTimeField(_("en vigueur depuis"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)

    objects = CertificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="certification_unique_slug_version"),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(status="active"), name="certification_one_active_version"
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=8), name="certification_level_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse("skills:referentiel")

    @property
    def has_blocks(self) -> bool:
        return self.kind == self.Kind.RNCP

    def full_block_code(self, block: "Block") -> str:
        """RNCP…BCyy once registered; the provisional BCyy until then."""
        return f"{self.code}{block.code}" if self.code else block.code


class Block(models.Model):
    certification = models.ForeignKey(Certification, on_delete=models.CASCADE, related_name="blocks")
    code = models.CharField(_("code"), max_length=30)
    label = models.CharField(_("intitulé"), max_length=250)
    evaluation_methods = models.TextField(_("modalités d'évaluation"), blank=True)
    prerequisites = models.TextField(_("prérequis"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("bloc de compétences")
        verbose_name_plural = _("blocs de compétences")
        ordering = ["certification", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["certification", "code"], name="block_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class Competence(models.Model):
    class Kind(models.TextChoices):
        KNOW_HOW = "savoir-faire", _("Savoir-faire")
        SOFT_SKILL = "savoir-etre", _("Savoir-être")
        KNOWLEDGE = "savoir", _("Savoir")

    certification = models.ForeignKey(Certification, on_delete=models.CASCADE, related_name="competences")
    block = models.ForeignKey(Block, on_delete=models.CASCADE, null=True, blank=True, related_name="competences")
    code = models.CharField(_("code"), max_length=30)
    label = models.CharField(_("intitulé"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("nature"), max_length=12, choices=Kind, default=Kind.KNOW_HOW)
    criteria = models.JSONField(_("critères d'évaluation"), default=list)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("compétence")
        verbose_name_plural = _("compétences")
        ordering = ["certification", "block__position", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["certification", "code"], name="competence_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class Alignment(models.Model):
    """A compétence aligned to an external framework (ESCO skill, ROME savoir-faire)."""

    class Framework(models.TextChoices):
        ESCO = "ESCO", "ESCO"
        ROME = "ROME", "ROME"

    competence = models.ForeignKey(Competence, on_delete=models.CASCADE, related_name="alignments")
    framework = models.CharField(_("référentiel externe"), max_length=4, choices=Framework)
    code = models.CharField(_("code"), max_length=200)
    label = models.CharField(_("intitulé"), max_length=250, blank=True)
    url = models.URLField(_("adresse"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("alignement")
        verbose_name_plural = _("alignements")

    def __str__(self) -> str:
        return f"{self.framework} {self.code}"


class Trade(models.Model):
    """A métier, with its ROME code (France Travail) and the compétence codes it typically calls for."""

    rome_code = models.CharField(_("code ROME"), max_length=5, unique=True)
    label = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    competence_codes = models.JSONField(_("compétences typiques (codes)"), default=list, blank=True)

    class Meta:
        verbose_name = _("métier")
        verbose_name_plural = _("métiers")
        ordering = ["label"]
        constraints = [
            models.CheckConstraint(condition=Q(rome_code__regex=r"^[A-N][0-9]{4}$"), name="trade_rome_code_format")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.rome_code})"


class Level(models.IntegerChoices):
    NOT_ACQUIRED = 0, _("Non acquis")
    IN_PROGRESS = 1, _("En cours")
    ACQUIRED = 2, _("Acquis")
    MASTERED = 3, _("Maîtrisé")


LEVEL_HELP = {
    Level.NOT_ACQUIRED: _("Je ne l'ai encore jamais fait, ou pas vraiment."),
    Level.IN_PROGRESS: _("Je l'ai déjà fait, avec de l'aide ou pas encore de façon régulière."),
    Level.ACQUIRED: _("Je le fais seul·e, de façon fiable, pour un vrai client."),
    Level.MASTERED: _("Je le fais sans y penser et je pourrais l'apprendre à quelqu'un."),
}


class Positioning(models.Model):
    """A bilan de positionnement (Qualiopi 8): self-assessment bloc by bloc, then the formateur's (and mentor's)."""

    class Moment(models.TextChoices):
        ENTRY = "entry", _("À l'entrée")
        MID = "mid", _("En cours de parcours")
        EXIT = "exit", _("À la sortie")

    class Status(models.TextChoices):
        DRAFT = "draft", _("En cours de saisie")
        SUBMITTED = "submitted", _("Envoyé, en attente de l'avis du formateur")
        REVIEWED = "reviewed", _("Terminé")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="positionings")
    certification = models.ForeignKey(Certification, on_delete=models.PROTECT, related_name="positionings")
    moment = models.CharField(_("moment"), max_length=10, choices=Moment, default=Moment.ENTRY)
    status = models.CharField(_("état"), max_length=10, choices=Status, default=Status.DRAFT)
    started_at = models.DateTimeField(_("commencé le"), default=timezone.now)
    submitted_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    staff_comment = models.TextField(_("synthèse du formateur"), blank=True)

    class Meta:
        verbose_name = _("bilan de positionnement")
        verbose_name_plural = _("bilans de positionnement")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="draft"), name="positioning_one_draft_per_member"
            )
        ]
        indexes = [
            # The staff's queue: the few bilans waiting for review among all ever made.
            models.Index(fields=["submitted_at"], condition=Q(status="submitted"), name="positioning_waiting_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_moment_display()} — {self.started_at:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("skills:positioning_result", args=[self.pk])

    def audit_label(self) -> str:
        return f"Positionnement n°{self.pk}"


class AssessmentQuerySet(models.QuerySet):
    def for_member(self, member) -> "AssessmentQuerySet":
        return self.filter(member=member)

    def standing(self) -> "AssessmentQuerySet":
        """The judgements still standing: the level rule's first step (services.derive_level) in SQL. Each
        source's and assessor's latest only (validated evidence: per evidence object; the jury speaks as one), so a
        superseded judgement — a jury's bloc later withdrawn — no longer counts."""
        outer = {"member": OuterRef("member"), "competence": OuterRef("competence"), "source": OuterRef("source")}
        same_voice = (
            Q(source=Assessment.Source.JURY)
            | Q(source=Assessment.Source.EVIDENCE, evidence_id=OuterRef("evidence_id"))
            | (
                ~Q(source__in=[Assessment.Source.JURY, Assessment.Source.EVIDENCE])
                & Q(assessor_id=OuterRef("assessor_id"))
            )
        )
        later = Q(assessed_at__gt=OuterRef("assessed_at")) | Q(
            assessed_at=OuterRef("assessed_at"), pk__gt=OuterRef("pk")
        )
        return self.exclude(Exists(Assessment.objects.filter(same_voice, later, **outer)))


class Assessment(models.Model):
    """One source's judgement of one member's level on one compétence, dated. The current level is derived
    from all of them (services.current_levels). Positioning answers are assessments linked to their bilan;
    later sources (validated evidence, client attestation, jury) arrive through services.record_assessment."""

    class Source(models.TextChoices):
        SELF = "self", _("Auto-évaluation")
        STAFF = "staff", _("Formateur")
        MENTOR = "mentor", _("Compagnon")
        EVIDENCE = "evidence", _("Preuve validée")
        CLIENT = "client", _("Attestation client")
        JURY = "jury", _("Jury")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments")
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="assessments")
    level = models.PositiveSmallIntegerField(_("niveau"), choices=Level)
    source = models.CharField(_("source"), max_length=10, choices=Source)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("commentaire"), blank=True)
    positioning = models.ForeignKey(
        Positioning, on_delete=models.CASCADE, null=True, blank=True, related_name="assessments"
    )
    evidence_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    evidence_id = models.PositiveBigIntegerField(null=True, blank=True)
    evidence = GenericForeignKey("evidence_type", "evidence_id")
    assessed_at = models.DateTimeField(_("date"), default=timezone.now)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        ordering = ["assessed_at", "pk"]
        indexes = [
            models.Index(fields=["member", "competence"], name="assessment_member_comp_idx"),
            # The directory's « what a jury or a client proved » (showcase.directory): its cache key counts them and
            # its ranking reads them per member; the self-assessments, most of the table, stay out of this index.
            models.Index(
                fields=["member", "competence", "level"],
                condition=Q(source__in=["jury", "client"]),
                name="assessment_proof_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["positioning", "competence", "source"],
                condition=Q(positioning__isnull=False),
                name="assessment_one_per_source_in_positioning",
            ),
            models.UniqueConstraint(
                fields=["evidence_type", "evidence_id", "member", "competence", "source"],
                condition=Q(evidence_id__isnull=False),
                name="assessment_one_per_evidence",
            ),
            models.CheckConstraint(condition=Q(level__gte=0, level__lte=3), name="assessment_level_range"),
        ]

    def __str__(self) -> str:
        return f"{self.competence.code} {self.get_level_display()} ({self.get_source_display()})"


class Reflection(models.Model):
    """The founder's « introspection »: private to the member unless shared with their mentor."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflection")
    values = models.TextField(_("Les valeurs qui comptent pour moi"), blank=True)
    drives = models.TextField(_("Ce qui me fait avancer"), blank=True)
    wants = models.TextField(_("Ce que j'attends du travail indépendant"), blank=True)
    fears = models.TextField(_("Ce qui me freine ou m'inquiète"), blank=True)
    shared_with_mentor = models.BooleanField(_("Partager avec mon compagnon"), default=False)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("introspection")
        verbose_name_plural = _("introspections")

    def __str__(self) -> str:
        return f"Introspection n°{self.pk}"
