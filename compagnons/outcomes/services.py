"""Outcome follow-up: exits, their four surveys, the invitations and reminders, the answers.

Every write is idempotent or guarded: an exit is unique per enrollment and per decision, a survey per exit and wave;
an invitation or a reminder is marked by a conditional UPDATE before its e-mail is queued, so two workers (or two
runs of the job) never send the same one twice.
"""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.accounts.models import User
from compagnons.apprenticeship.models import Enrollment
from compagnons.certification.models import Decision, Route
from compagnons.core import audit
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.permissions import is_team
from compagnons.outcomes.models import Exit, FollowUp

ENDED = (Enrollment.Status.COMPLETED, Enrollment.Status.CERTIFIED, Enrollment.Status.DROPPED_OUT)
EXIT_KIND = {
    Enrollment.Status.COMPLETED: Exit.Kind.COMPLETED,
    Enrollment.Status.CERTIFIED: Exit.Kind.CERTIFIED,
    Enrollment.Status.DROPPED_OUT: Exit.Kind.DROPPED_OUT,
}
ANSWER_FIELDS = (
    "situation",
    "in_target_trade",
    "since",
    "income",
    "clients_count",
    "missions_count",
    "bank_share",
    "comment",
)


# --- Cache of the computed figures ------------------------------------------------------------

VERSION_KEY = "outcomes:version"


def figures_version() -> int:
    """Part of every cached figure's key: a new answer or a new exit makes new figures at once."""
    return cache.get_or_set(VERSION_KEY, 1, None)


def figures_changed() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


# --- Exits and their surveys ----------------------------------------------------------------


def _schedule(exit_: Exit) -> None:
    FollowUp.objects.bulk_create(
        [FollowUp(exit=exit_, wave=wave, due_on=FollowUp.due_date(exit_.exited_on, wave)) for wave in FollowUp.Wave],
        ignore_conflicts=True,
    )


@transaction.atomic
def record_exit_of_enrollment(enrollment: Enrollment) -> Exit | None:
    """The exit of an ended enrollment, and its four surveys; the existing one if already recorded."""
    if enrollment.status not in ENDED or enrollment.ended_at is None:
        return None
    existing = Exit.objects.filter(enrollment=enrollment).first()
    if existing is not None:
        return existing
    decision = None
    if enrollment.status == Enrollment.Status.CERTIFIED:
        # The jury decision that made this title: the path, this certification, on or before the exit.
        decision = (
            Decision.objects.filter(
                candidate_id=enrollment.member_id,
                outcome=Decision.Outcome.VALIDATED,
                route=Route.PATH,
                candidacy__masterpiece__certification__slug=enrollment.cohort.certification.slug,
                decided_at__lte=enrollment.ended_at + timedelta(days=1),
                exit__isnull=True,
            )
            .order_by("-decided_at")
            .first()
        )
    exit_, created = Exit.objects.get_or_create(
        enrollment=enrollment,
        defaults={
            "member_id": enrollment.member_id,
            "certification_id": enrollment.cohort.certification_id,
            "cohort_id": enrollment.cohort_id,
            "decision": decision,
            "kind": EXIT_KIND[enrollment.status],
            "route": Route.PATH,
            "exited_on": timezone.localdate(enrollment.ended_at),
        },
    )
    if created:
        _schedule(exit_)
    return exit_


@transaction.atomic
def record_exit_of_vae(decision: Decision) -> Exit | None:
    """A title validated through VAE: a holder with no enrollment, counted by France Compétences all the same."""
    if decision.route != Route.VAE or decision.outcome != Decision.Outcome.VALIDATED:
        return None
    exit_, created = Exit.objects.get_or_create(
        decision=decision,
        defaults={
            "member_id": decision.candidate_id,
            "certification_id": decision.candidacy.masterpiece.certification_id,
            "kind": Exit.Kind.CERTIFIED,
            "route": Route.VAE,
            "exited_on": timezone.localdate(decision.decided_at),
        },
    )
    if created:
        _schedule(exit_)
    return exit_


def sync_exits() -> int:
    """Record the exits not yet recorded (the daily job). Returns how many were created."""
    created = 0
    ended = Enrollment.objects.filter(status__in=ENDED, ended_at__isnull=False, exit__isnull=True).select_related(
        "cohort"
    )
    for enrollment in ended.iterator(chunk_size=500):
        if record_exit_of_enrollment(enrollment) is not None:
            created += 1
    vae = Decision.objects.filter(
        route=Route.VAE, outcome=Decision.Outcome.VALIDATED, exit__isnull=True
    ).select_related("candidacy__masterpiece")
    for decision in vae.iterator(chunk_size=500):
        if record_exit_of_vae(decision) is not None:
            created += 1
    if created:
        figures_changed()
    return created


# --- Invitations and reminders --------------------------------------------------------------


def mark_invitations_due(now=None) -> list[int]:
    """Surveys whose date has come, never sent, recent enough to still ask by e-mail: marked sent, ids returned."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    candidates = FollowUp.objects.unanswered().filter(
        sent_at__isnull=True,
        due_on__lte=today,
        due_on__gte=today - timedelta(days=settings.OUTCOMES_SEND_WITHIN_DAYS),
        exit__member__is_active=True,
        exit__member__notify_by_email=True,  # who asked for no e-mail finds the survey in « Mon espace »
    )
    marked = []
    for pk in candidates.values_list("pk", flat=True).iterator(chunk_size=500):
        # The conditional UPDATE is the guard: only one run (or worker) sees 1 here.
        if FollowUp.objects.filter(pk=pk, sent_at__isnull=True).update(sent_at=now, last_sent_at=now):
            marked.append(pk)
    return marked


def mark_reminders_due(now=None) -> list[int]:
    """Unanswered surveys sent at least OUTCOMES_REMINDER_DAYS ago with fewer than two reminders: marked, ids
    returned. A survey gets at most two reminders, each at most once."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.OUTCOMES_REMINDER_DAYS)
    expiry = now - timedelta(days=settings.OUTCOMES_LINK_DAYS)
    candidates = FollowUp.objects.unanswered().filter(
        sent_at__gt=expiry,
        reminders_sent__lt=2,
        last_sent_at__lte=cutoff,
        exit__member__is_active=True,
        exit__member__notify_by_email=True,
    )
    marked = []
    for pk, count in candidates.values_list("pk", "reminders_sent").iterator(chunk_size=500):
        updated = FollowUp.objects.filter(pk=pk, reminders_sent=count, answered_at__isnull=True).update(
            reminders_sent=count + 1, last_sent_at=now
        )
        if updated:
            marked.append(pk)
    return marked


# --- Answers --------------------------------------------------------------------------------


def _save_answer(follow_up: FollowUp, answer: dict, *, channel: str, by: User | None) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update(of=("self",)).select_related("exit").get(pk=follow_up.pk)
    if follow_up.answered_at is not None:
        raise InvalidTransition(_("Ce questionnaire a déjà reçu une réponse. Merci !"))
    if follow_up.due_on > timezone.localdate():
        raise InvalidTransition(_("Ce questionnaire n'est pas encore ouvert."))
    if not answer.get("situation"):
        raise InvalidTransition(_("Indiquez votre situation actuelle."))
    for field in ANSWER_FIELDS:
        setattr(follow_up, field, answer.get(field, getattr(follow_up, field)))
    follow_up.answered_at = timezone.now()
    follow_up.channel = channel
    follow_up.recorded_by = by if channel == FollowUp.Channel.PHONE else None
    follow_up.save()
    return follow_up


@transaction.atomic
def answer_by_link(follow_up: FollowUp, answer: dict) -> FollowUp:
    """The person answers through their personal link (the view has checked the token)."""
    follow_up = _save_answer(follow_up, answer, channel=FollowUp.Channel.LINK, by=None)
    audit.log(follow_up.exit.member, "outcomes.answered", follow_up)
    transaction.on_commit(figures_changed)
    return follow_up


@transaction.atomic
def record_by_phone(follow_up: FollowUp, answer: dict, *, by: User) -> FollowUp:
    """The team took the answer by phone: who recorded it and when are kept with it."""
    if not is_team(by):
        raise PermissionRefused(_("Seule l'équipe saisit une réponse prise par téléphone."))
    follow_up = _save_answer(follow_up, answer, channel=FollowUp.Channel.PHONE, by=by)
    audit.log(by, "outcomes.recorded_by_phone", follow_up)
    transaction.on_commit(figures_changed)
    return follow_up
