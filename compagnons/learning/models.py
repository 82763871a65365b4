"""Learning on the platform: microlearning capsules with their quiz, and branching scenarios that simulate a
professional situation, played step by step and debriefed by the mentor. Every text here is written by people.

Nothing here validates a compétence: a capsule read or a quiz passed is self-study time in the carnet de route;
levels stay with the mentor (skills) and the jury (certification).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CAPSULE_MAX_MINUTES = 5


class Status(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publiée")
    ARCHIVED = "archived", _("Retirée")


def capsule_image_path(instance, filename: str) -> str:
    return f"learning/images/{uuid.uuid4().hex}{_suffix(filename)}"


def capsule_audio_path(instance, filename: str) -> str:
    return f"learning/audio/{uuid.uuid4().hex}{_suffix(filename)}"


def node_image_path(instance, filename: str) -> str:
    return f"learning/scenes/{uuid.uuid4().hex}{_suffix(filename)}"


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower()[:6] if dot >= 0 else ""


# --- Capsules ------------------------------------------------------------------------------------------


class CapsuleQuerySet(models.QuerySet):
    def published(self) -> "CapsuleQuerySet":
        return self.filter(status=Status.PUBLISHED)


class Capsule(models.Model):
    """A short lesson (at most five minutes of reading), then a quiz of three to five questions."""

    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    title = models.CharField(_("titre"), max_length=160)
    summary = models.CharField(_("en une phrase"), max_length=300, blank=True)
    body = models.TextField(_("texte (Markdown)"))
    minutes = models.PositiveSmallIntegerField(
        _("durée de lecture (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(CAPSULE_MAX_MINUTES)]
    )
    image = models.ImageField(_("image"), upload_to=capsule_image_path, blank=True)
    image_alt = models.CharField(_("description de l'image"), max_length=250, blank=True)
    audio = models.FileField(_("audio"), upload_to=capsule_audio_path, blank=True)
    transcript = models.TextField(_("transcription écrite de l'audio"), blank=True)
    competences = models.ManyToManyField(
        "skills.Competence", verbose_name=_("compétences travaillées"), related_name="capsules", blank=True
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("état"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CapsuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("capsule")
        verbose_name_plural = _("capsules")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=CAPSULE_MAX_MINUTES), name="capsule_five_minutes_at_most"
            ),
            models.CheckConstraint(condition=Q(audio="") | ~Q(transcript=""), name="capsule_audio_has_transcript"),
            models.CheckConstraint(condition=Q(image="") | ~Q(image_alt=""), name="capsule_image_has_alt"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:capsule", args=[self.slug])


class Question(models.Model):
    capsule = models.ForeignKey(Capsule, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("ordre"))
    text = models.CharField(_("question"), max_length=500)
    multiple = models.BooleanField(_("plusieurs bonnes réponses possibles"), default=False)

    class Meta:
        verbose_name = _("question")
        ordering = ["capsule", "position"]
        constraints = [models.UniqueConstraint(fields=["capsule", "position"], name="question_one_per_position")]

    def __str__(self) -> str:
        return self.text


class Option(models.Model):
    """An answer offered to a question, with the feedback that explains why it is right or not."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(_("ordre"))
    text = models.CharField(_("réponse"), max_length=500)
    correct = models.BooleanField(_("bonne réponse"), default=False)
    feedback = models.TextField(_("explication"))

    class Meta:
        verbose_name = _("réponse proposée")
        ordering = ["question", "position"]
        constraints = [models.UniqueConstraint(fields=["question", "position"], name="option_one_per_position")]

    def __str__(self) -> str:
        return self.text


class Progress(models.Model):
    """Where a member stands with a capsule: read, quiz tried, passed, best score, attempts. One row per pair."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="capsule_progress")
    capsule = models.ForeignKey(Capsule, on_delete=models.CASCADE, related_name="progress")
    started_at = models.DateTimeField(_("commencée le"), default=timezone.now)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    read_version = models.PositiveIntegerField(_("version lue"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("essais du quiz"), default=0)
    best_score = models.PositiveSmallIntegerField(_("meilleur score (%)"), null=True, blank=True)
    passed_at = models.DateTimeField(_("quiz réussi le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminée le"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("progression dans une capsule")
        verbose_name_plural = _("progressions dans les capsules")
        constraints = [models.UniqueConstraint(fields=["member", "capsule"], name="progress_one_per_member")]

    def __str__(self) -> str:
        return f"{self.member} — {self.capsule}"


class Attempt(models.Model):
    """One try at a quiz. The token of the form makes a replayed POST land on the same attempt, never a second."""

    progress = models.ForeignKey(Progress, on_delete=models.CASCADE, related_name="quiz_attempts")
    token = models.UUIDField(_("jeton du formulaire"), unique=True)
    capsule_version = models.PositiveIntegerField(_("version de la capsule"))
    answers = models.JSONField(_("réponses"), default=dict)  # {question id: [option ids]}
    score = models.PositiveSmallIntegerField(_("score (%)"))
    passed = models.BooleanField(_("réussi"), default=False)
    submitted_at = models.DateTimeField(_("envoyé le"), default=timezone.now)

    class Meta:
        verbose_name = _("essai de quiz")
        verbose_name_plural = _("essais de quiz")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.progress} — {self.score} %"


# --- Scenarios -----------------------------------------------------------------------------------------


class ScenarioQuerySet(models.QuerySet):
    def published(self) -> "ScenarioQuerySet":
        return self.filter(status=Status.PUBLISHED, current__isnull=False)


class Scenario(models.Model):
    """A professional situation to play. Its content lives in immutable versions: editing makes a new one, so a
    run keeps the exact path it took and the mentor debriefs what the member saw."""

    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    title = models.CharField(_("titre"), max_length=160)
    summary = models.CharField(_("en une phrase"), max_length=300, blank=True)
    minutes = models.PositiveSmallIntegerField(_("durée estimée (minutes)"), default=10)
    status = models.CharField(_("état"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True)
    current = models.OneToOneField("ScenarioVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    competences = models.ManyToManyField(
        "skills.Competence", verbose_name=_("compétences exercées"), related_name="scenarios", blank=True
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    objects = ScenarioQuerySet.as_manager()

    class Meta:
        verbose_name = _("mise en situation")
        verbose_name_plural = _("mises en situation")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:scenario", args=[self.slug])


class ScenarioVersion(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    situation = models.TextField(_("la situation (Markdown)"))
    cast = models.JSONField(_("personnages"), default=dict)  # {key: name shown}
    source = models.TextField(_("fichier d'origine (YAML)"))
    start = models.OneToOneField("Node", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("version d'une mise en situation")
        verbose_name_plural = _("versions des mises en situation")
        ordering = ["scenario", "-number"]
        constraints = [models.UniqueConstraint(fields=["scenario", "number"], name="scenario_version_unique")]

    def __str__(self) -> str:
        return f"{self.scenario} (v{self.number})"


class Node(models.Model):
    """A moment of the scenario: what is said or happens; an ending carries its debrief instead of choices."""

    version = models.ForeignKey(ScenarioVersion, on_delete=models.CASCADE, related_name="nodes")
    key = models.SlugField(_("nom"), max_length=60)
    speaker = models.CharField(_("qui parle"), max_length=60, blank=True)  # a key of the version's cast
    text = models.TextField(_("texte (Markdown)"), blank=True)
    image = models.ImageField(_("image"), upload_to=node_image_path, blank=True)
    image_alt = models.CharField(_("description de l'image"), max_length=250, blank=True)
    is_ending = models.BooleanField(_("fin"), default=False)
    ending_title = models.CharField(_("titre de la fin"), max_length=160, blank=True)
    debrief = models.TextField(_("débriefing de la fin (Markdown)"), blank=True)

    class Meta:
        verbose_name = _("étape d'une mise en situation")
        verbose_name_plural = _("étapes des mises en situation")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="node_key_unique_in_version"),
            models.CheckConstraint(condition=Q(is_ending=False) | ~Q(ending_title=""), name="node_ending_titled"),
        ]

    def __str__(self) -> str:
        return self.key


class Choice(models.Model):
    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("ordre"))
    label = models.CharField(_("ce que vous dites ou faites"), max_length=500)
    consequence = models.CharField(_("conséquence"), max_length=500, blank=True)
    target = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="arrivals")
    competences = models.ManyToManyField("skills.Competence", related_name="+", blank=True)

    class Meta:
        verbose_name = _("choix")
        verbose_name_plural = _("choix")
        ordering = ["node", "position"]
        constraints = [models.UniqueConstraint(fields=["node", "position"], name="choice_one_per_position")]

    def __str__(self) -> str:
        return self.label


class Run(models.Model):
    """One play of a scenario by a member, pinned to the version it started on."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scenario_runs")
    version = models.ForeignKey(ScenarioVersion, on_delete=models.PROTECT, related_name="runs")
    current = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    ending = models.ForeignKey(Node, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    steps_count = models.PositiveIntegerField(_("choix faits"), default=0)
    started_at = models.DateTimeField(_("commencée le"), default=timezone.now)
    arrived_at = models.DateTimeField(_("arrivée à l'étape en cours le"), default=timezone.now)
    finished_at = models.DateTimeField(_("terminée le"), null=True, blank=True, db_index=True)
    shared = models.BooleanField(_("partagée avec mon mentor"), default=True)

    class Meta:
        verbose_name = _("partie")
        verbose_name_plural = _("parties")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["member", "-started_at"], name="run_member_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True, ending__isnull=True)
                | Q(finished_at__isnull=False, ending__isnull=False),
                name="run_finished_has_ending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.version}"

    def get_absolute_url(self) -> str:
        return reverse("learning:run", args=[self.pk])


class Step(models.Model):
    """One choice made in a run, with the time spent reading before choosing."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveIntegerField(_("numéro"))
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT, related_name="steps")
    seconds = models.PositiveIntegerField(_("temps de réflexion (secondes)"))
    chosen_at = models.DateTimeField(_("choisi le"), default=timezone.now)

    class Meta:
        verbose_name = _("choix d'une partie")
        verbose_name_plural = _("choix des parties")
        ordering = ["run", "number"]
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="step_one_per_number")]

    def __str__(self) -> str:
        return f"{self.run} — {self.number}"


class Debrief(models.Model):
    """What the mentor writes after reading a finished run. One per run; the member reads it."""

    run = models.OneToOneField(Run, on_delete=models.CASCADE, related_name="debrief")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="debriefs_written"
    )
    text = models.TextField(_("débriefing"))
    written_at = models.DateTimeField(_("écrit le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), default=timezone.now)

    class Meta:
        verbose_name = _("débriefing du mentor")
        verbose_name_plural = _("débriefings des mentors")

    def __str__(self) -> str:
        return f"{self.run}"
