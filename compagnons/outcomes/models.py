"""What became of the people who left the path: one exit per path (or VAE) ended, four follow-up surveys per exit.

An `Exit` is the fact the indicators count: who left, from which cohort, how (certified, path completed without the
title, drop-out), by which route (path or VAE) and when. It is written by the daily job from the enrollments and jury
decisions (see services.sync_exits), so the apps below never call up into this one.

A `FollowUp` is one survey of one exit at one wave (exit, 6, 12, 24 months). The answer lives on the same row: one
answer per person and wave, with its date, its channel and, for an answer taken by phone, who recorded it.
"""

import calendar
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnons.certification.models import Route


class Exit(models.Model):
    class Kind(models.TextChoices):
        CERTIFIED = "certified", _("Certifié·e")
        COMPLETED = "completed", _("Parcours terminé, sans le titre")
        DROPPED_OUT = "dropped_out", _("Abandon")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exits")
    certification = models.ForeignKey("skills.Certification", on_delete=models.PROTECT, related_name="+")
    cohort = models.ForeignKey(
        "apprenticeship.Cohort", on_delete=models.PROTECT, null=True, blank=True, related_name="exits"
    )
    enrollment = models.OneToOneField(
        "apprenticeship.Enrollment", on_delete=models.PROTECT, null=True, blank=True, related_name="exit"
    )
    decision = models.OneToOneField(
        "certification.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="exit"
    )
    kind = models.CharField(_("sortie"), max_length=12, choices=Kind)
    route = models.CharField(_("voie d'accès"), max_length=10, choices=Route, default=Route.PATH)
    exited_on = models.DateField(_("date de sortie"), db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sortie")
        verbose_name_plural = _("sorties")
        ordering = ["-exited_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enrollment__isnull=False) | Q(decision__isnull=False), name="exit_has_a_source"
            ),
            models.CheckConstraint(condition=Q(route=Route.PATH) | Q(kind="certified"), name="exit_vae_is_certified"),
        ]
        indexes = [models.Index(fields=["kind", "exited_on"], name="exit_kind_date_idx")]

    def __str__(self) -> str:
        return f"Sortie n°{self.pk}"

    def audit_label(self) -> str:
        return str(self)


class Situation(models.TextChoices):
    INDEPENDENT = "independent", _("Activité indépendante (micro-entreprise, portage, société…)")
    EMPLOYED = "employed", _("Salarié·e")
    BOTH = "both", _("Les deux : indépendant·e et salarié·e")
    TRAINING = "training", _("En formation (y compris en alternance)")
    SEEKING = "seeking", _("En recherche de travail")
    UNABLE = "unable", _("Ne peut pas travailler (santé, famille…)")
    ABROAD = "abroad", _("Travaille à l'étranger")
    INACTIVE = "inactive", _("Sans activité, ne cherche pas")


IN_WORK = (Situation.INDEPENDENT, Situation.EMPLOYED, Situation.BOTH)


def neutralised_situations() -> tuple[str, ...]:
    """France Compétences removes these answers from numerator and denominator. Working abroad counts as a job
    when the trade is international (a setting: telework often is)."""
    neutral = [Situation.TRAINING, Situation.UNABLE]
    if not settings.OUTCOMES_TRADE_IS_INTERNATIONAL:
        neutral.append(Situation.ABROAD)
    return tuple(neutral)


def in_work_situations() -> tuple[str, ...]:
    if settings.OUTCOMES_TRADE_IS_INTERNATIONAL:
        return (*IN_WORK, Situation.ABROAD)
    return IN_WORK


class Income(models.TextChoices):
    NONE = "none", _("Aucun revenu d'activité")
    UNDER_500 = "lt500", _("Moins de 500 € par mois")
    UNDER_1000 = "lt1000", _("De 500 à 1 000 € par mois")
    UNDER_1500 = "lt1500", _("De 1 000 à 1 500 € par mois")
    UNDER_2000 = "lt2000", _("De 1 500 à 2 000 € par mois")
    UNDER_3000 = "lt3000", _("De 2 000 à 3 000 € par mois")
    OVER_3000 = "gt3000", _("Plus de 3 000 € par mois")
    UNSAID = "unsaid", _("Je préfère ne pas le dire")


class BankShare(models.TextChoices):
    NONE = "none", _("Aucune")
    SOME = "some", _("Une partie")
    ALL = "all", _("Toutes, ou presque")


class FollowUpQuerySet(models.QuerySet):
    def due(self, today=None) -> "FollowUpQuerySet":
        return self.filter(due_on__lte=today or timezone.localdate())

    def answered(self) -> "FollowUpQuerySet":
        return self.filter(answered_at__isnull=False)

    def unanswered(self) -> "FollowUpQuerySet":
        return self.filter(answered_at__isnull=True)


class FollowUp(models.Model):
    class Wave(models.IntegerChoices):
        EXIT = 0, _("À la sortie")
        SIX_MONTHS = 6, _("À 6 mois")
        TWELVE_MONTHS = 12, _("À 12 mois")
        TWO_YEARS = 24, _("À 2 ans")

    class Channel(models.TextChoices):
        LINK = "link", _("Lien personnel reçu par e-mail")
        PHONE = "phone", _("Par téléphone, saisi par l'équipe")

    exit = models.ForeignKey(Exit, on_delete=models.CASCADE, related_name="follow_ups")
    wave = models.PositiveSmallIntegerField(_("enquête"), choices=Wave)
    due_on = models.DateField(_("à envoyer le"), db_index=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("relances envoyées"), default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    # The answer.
    answered_at = models.DateTimeField(_("réponse reçue le"), null=True, blank=True)
    channel = models.CharField(_("canal"), max_length=5, choices=Channel, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    situation = models.CharField(_("situation actuelle"), max_length=12, choices=Situation, blank=True)
    in_target_trade = models.BooleanField(_("dans le métier visé par la formation"), null=True, blank=True)
    since = models.DateField(_("depuis le"), null=True, blank=True)
    income = models.CharField(_("revenu mensuel d'activité"), max_length=6, choices=Income, blank=True)
    clients_count = models.PositiveSmallIntegerField(_("nombre de clients"), null=True, blank=True)
    missions_count = models.PositiveSmallIntegerField(_("nombre de missions"), null=True, blank=True)
    bank_share = models.CharField(
        _("missions trouvées par la banque de missions"), max_length=5, choices=BankShare, blank=True
    )
    comment = models.TextField(_("commentaire"), blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("enquête de suivi")
        verbose_name_plural = _("enquêtes de suivi")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["exit", "wave"], name="followup_one_per_exit_and_wave"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(situation=""), name="followup_answer_has_situation"
            ),
            models.CheckConstraint(condition=Q(reminders_sent__lte=2), name="followup_at_most_two_reminders"),
        ]
        indexes = [
            models.Index(fields=["wave", "due_on"], name="followup_wave_due_idx"),
            # Issue 21: the insertion figures and the people behind them read every survey of a wave up to today
            # (the count of a figure's people, the dashboard's aggregates): everything they filter on is in the
            # index, so the table itself is never read (at 400,000 surveys: 0.66 s -> 0.22 s for one count).
            models.Index(
                fields=["wave", "due_on", "answered_at", "situation", "in_target_trade", "bank_share", "exit"],
                name="followup_wave_due_cover_idx",
            ),
            # The surveys still without an answer, by date: the phone list and the team's panel read only these.
            models.Index(fields=["due_on"], condition=Q(answered_at__isnull=True), name="followup_open_due_idx"),
        ]

    def __str__(self) -> str:
        return f"Enquête de suivi n°{self.pk}"

    def audit_label(self) -> str:
        return str(self)

    @staticmethod
    def due_date(exited_on: date, wave: int) -> date:
        """The same day `wave` months later (the month's last day when it is shorter)."""
        month_index = exited_on.month - 1 + wave
        year, month = exited_on.year + month_index // 12, month_index % 12 + 1
        return exited_on.replace(year=year, month=month, day=min(exited_on.day, calendar.monthrange(year, month)[1]))
