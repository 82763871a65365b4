"""Every write of the quality app and the periodic scans of satisfaction surveys. The reads are in figures.py, the
personal survey links in links.py, the e-mails in notifications.py.

Settings are read with a default (`getattr(settings, "QUALITY_…", default)`), listed in docs/quality.md.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.accounts.models import User
from compagnons.apprenticeship.models import (
    Enrollment,
    Mentorship,
    Stage,
    StageTransition,
)
from compagnons.coaching.models import Booking
from compagnons.coaching.records import CONFIRMED as COACHING_CONFIRMED
from compagnons.core import audit, ratelimit
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.permissions import is_team
from compagnons.missions.models import Mission
from compagnons.quality.models import (
    AuditExport,
    Complaint,
    ComplaintCounter,
    ImprovementAction,
    Survey,
)
from compagnons.quality.notifications import send_complaint_acknowledgement, send_complaint_answer
from compagnons.quality.tasks import build_audit_export

ENDED = [Enrollment.Status.COMPLETED, Enrollment.Status.CERTIFIED, Enrollment.Status.DROPPED_OUT]
MAX_REMINDERS = 2
BATCH = 500  # surveys created, invited or reminded per run at most: the next run takes the rest


def _days(name: str, default: int) -> timedelta:
    return timedelta(days=getattr(settings, name, default))


def open_period() -> timedelta:
    return _days("QUALITY_SURVEY_OPEN_DAYS", 45)


def reminder_delay() -> timedelta:
    return _days("QUALITY_SURVEY_REMINDER_DAYS", 7)


def cold_delay() -> timedelta:
    return _days("QUALITY_COLD_SURVEY_DAYS", 182)


def lookback() -> timedelta:
    """Events older than this (at the first run after deployment, say) get no survey."""
    return _days("QUALITY_SURVEY_LOOKBACK_DAYS", 30)


def complaint_delay() -> timedelta:
    return _days("QUALITY_COMPLAINT_ANSWER_DAYS", 15)


# --- Satisfaction surveys: scans -----------------------------------------------------------------


def _mentors_at(apprentice_ids: set[int]) -> dict[int, list[Mentorship]]:
    """Every mentorship of these apprentices, oldest first (one query)."""
    found: dict[int, list[Mentorship]] = {}
    for m in Mentorship.objects.filter(apprentice_id__in=apprentice_ids).order_by("started_at", "pk"):
        found.setdefault(m.apprentice_id, []).append(m)
    return found


def _mentor_of_record(mentorships: list[Mentorship], at) -> int | None:
    """The compagnon who accompanied the apprentice at that moment (the latest mentorship started before it)."""
    mentor_id = None
    for m in mentorships:
        if m.started_at <= at and (m.ended_at is None or m.ended_at >= at - timedelta(days=1)):
            mentor_id = m.mentor_id
    return mentor_id


def _cohorts_of(member_ids: set[int]) -> dict[int, int]:
    """The cohort of each member's latest enrollment, if any (one query): a coaching survey is counted there."""
    rows = (
        Enrollment.objects.filter(member_id__in=member_ids)
        .exclude(status=Enrollment.Status.REQUESTED)
        .order_by("requested_at", "pk")
        .values_list("member_id", "cohort_id")
    )
    return dict(rows)


def _surveyed(kind: str):
    """The apprentice's survey of this kind for the enrollment (OuterRef): events already surveyed are skipped, so
    each run takes the next BATCH events, not the same ones again."""
    return Survey.objects.filter(enrollment_id=OuterRef("pk"), kind=kind, audience=Survey.Audience.APPRENTICE)


def create_due_surveys(now=None) -> int:
    """Create the surveys the data calls for (ended stages and paths, six-month follow-ups, closed missions, coaching
    sessions both sides confirmed: the member is asked, once per booking).

    Idempotent: the unique constraints on (event, person) make a second run create nothing.
    """
    now = now or timezone.now()
    since = now - lookback()
    closes_at = now + open_period()
    rows: list[Survey] = []

    transitions = list(
        StageTransition.objects.filter(at__gte=since, at__lte=now, to_stage=Stage.ASPIRANT)
        .exclude(Exists(Survey.objects.filter(transition_id=OuterRef("pk"), audience=Survey.Audience.APPRENTICE)))
        .select_related("enrollment")
        .order_by("at")[:BATCH]
    )
    ended = list(
        Enrollment.objects.filter(status__in=ENDED, ended_at__gte=since, ended_at__lte=now)
        .exclude(Exists(_surveyed(Survey.Kind.PATH_HOT)))
        .order_by("ended_at")[:BATCH]
    )
    cold = list(
        Enrollment.objects.filter(
            status__in=ENDED, ended_at__gte=since - cold_delay(), ended_at__lte=now - cold_delay()
        )
        .exclude(Exists(_surveyed(Survey.Kind.PATH_COLD)))
        .order_by("ended_at")[:BATCH]
    )
    missions = list(
        Mission.objects.filter(status=Mission.Status.CLOSED, closed_at__gte=since, closed_at__lte=now)
        .exclude(Exists(Survey.objects.filter(mission_id=OuterRef("pk"))))
        .order_by("closed_at")[:BATCH]
    )
    coaching = list(
        Booking.objects.filter(**COACHING_CONFIRMED, credited_at__gte=since, credited_at__lte=now)
        .exclude(Exists(Survey.objects.filter(coaching_booking_id=OuterRef("pk"))))
        .order_by("credited_at", "pk")[:BATCH]
    )
    apprentices = {t.enrollment.member_id for t in transitions} | {e.member_id for e in ended}
    mentors = _mentors_at(apprentices)
    coached = _cohorts_of({b.member_id for b in coaching})
    people = (
        apprentices | {e.member_id for e in cold} | {m.client_id for m in missions} | {b.member_id for b in coaching}
    )
    people |= {m.mentor_id for ms in mentors.values() for m in ms}
    active_ids = set(User.objects.active().filter(pk__in=people).values_list("pk", flat=True))

    def add(kind, audience, person_id, at, **subject):
        if person_id is not None and person_id in active_ids:
            rows.append(
                Survey(kind=kind, audience=audience, person_id=person_id, event_at=at, closes_at=closes_at, **subject)
            )

    A, M = Survey.Audience.APPRENTICE, Survey.Audience.MENTOR
    for t in transitions:
        e = t.enrollment
        subject = {"enrollment_id": e.pk, "transition_id": t.pk, "cohort_id": e.cohort_id}
        add(Survey.Kind.STAGE_HOT, A, e.member_id, t.at, **subject)
        add(Survey.Kind.STAGE_HOT, M, _mentor_of_record(mentors.get(e.member_id, []), t.at), t.at, **subject)
    for e in ended:
        subject = {"enrollment_id": e.pk, "cohort_id": e.cohort_id}
        add(Survey.Kind.PATH_HOT, A, e.member_id, e.ended_at, **subject)
        add(Survey.Kind.PATH_HOT, M, _mentor_of_record(mentors.get(e.member_id, []), e.ended_at), e.ended_at, **subject)
    for e in cold:
        add(Survey.Kind.PATH_COLD, A, e.member_id, e.ended_at, enrollment_id=e.pk, cohort_id=e.cohort_id)
    for mission in missions:
        add(Survey.Kind.MISSION, Survey.Audience.CLIENT, mission.client_id, mission.closed_at, mission_id=mission.pk)
    for b in coaching:
        subject = {"coaching_booking_id": b.pk, "cohort_id": coached.get(b.member_id)}
        add(Survey.Kind.COACHING, Survey.Audience.MEMBER, b.member_id, b.credited_at, **subject)
    before = Survey.objects.count()
    Survey.objects.bulk_create(rows, ignore_conflicts=True)
    return Survey.objects.count() - before


def flag_invitations_due(now=None) -> list[int]:
    """Mark `invited_at` on the surveys never sent, one conditional UPDATE each; return the ids this run marked.

    Two workers may read the same candidates: only the one whose UPDATE changed the row sends the e-mail.
    """
    now = now or timezone.now()
    candidates = Survey.objects.pending(now).filter(invited_at__isnull=True).values_list("pk", flat=True)[:BATCH]
    return [
        pk
        for pk in list(candidates)
        if Survey.objects.filter(pk=pk, invited_at__isnull=True, answered_at__isnull=True).update(invited_at=now)
    ]


def flag_reminders_due(now=None) -> list[int]:
    """Reminders 1 and 2, each `QUALITY_SURVEY_REMINDER_DAYS` after the previous e-mail, while the survey is open
    and unanswered. The counter moves from n to n + 1 in a conditional UPDATE before any e-mail: never twice."""
    now = now or timezone.now()
    cutoff = now - reminder_delay()
    candidates = (
        Survey.objects.pending(now)
        .filter(reminders_sent__lt=MAX_REMINDERS)
        .filter(
            Q(reminders_sent=0, invited_at__lte=cutoff) | Q(reminders_sent__gt=0, last_reminded_at__lte=cutoff),
        )
        .values_list("pk", "reminders_sent")[:BATCH]
    )
    due = []
    for pk, sent in list(candidates):
        changed = Survey.objects.filter(pk=pk, reminders_sent=sent, answered_at__isnull=True).update(
            reminders_sent=sent + 1, last_reminded_at=now
        )
        if changed:
            due.append(pk)
    return due


# --- Satisfaction surveys: answering --------------------------------------------------------------


ANSWER_FIELDS = ["satisfaction", "expectations", "support", "recommend", "liked", "improve"]
TEXT_FIELDS = {"recommend", "liked", "improve"}


@transaction.atomic
def answer_survey(survey: Survey, answers: dict, *, by: User | None) -> Survey:
    """Record the answers once. `by` is the logged-in person, or None when they came through their personal link
    (the view checked the token)."""
    survey = Survey.objects.select_for_update(of=("self",)).get(pk=survey.pk)
    if by is not None and by.pk != survey.person_id:
        raise PermissionRefused(_("Ce questionnaire ne vous est pas adressé."))
    if survey.answered_at is not None:
        raise InvalidTransition(_("Vous avez déjà répondu à ce questionnaire. Merci !"))
    if not User.objects.filter(pk=survey.person_id, is_active=True).exists():
        raise InvalidTransition(_("Ce questionnaire est clos."))
    if survey.closes_at <= timezone.now():
        raise InvalidTransition(_("Ce questionnaire est clos."))
    if answers.get("satisfaction") not in (1, 2, 3, 4):
        raise InvalidTransition(_("Dites-nous si vous êtes satisfait·e, dans l'ensemble."))
    for field in ANSWER_FIELDS:
        value = answers.get(field)
        setattr(survey, field, (value or "").strip() if field in TEXT_FIELDS else value)
    survey.answered_at = timezone.now()
    survey.save(update_fields=[*ANSWER_FIELDS, "answered_at"])
    audit.log(by, "quality.survey_answered", survey, kind=survey.kind, via="account" if by else "link")
    return survey


# --- Complaints -----------------------------------------------------------------------------------


def _next_number(year: int) -> tuple[int, str]:
    """The next number of the year, under a row lock on the year's counter (call inside a transaction)."""
    ComplaintCounter.objects.get_or_create(year=year)
    counter = ComplaintCounter.objects.select_for_update(of=("self",)).get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last, f"R-{year}-{counter.last:04d}"


def complaints_per_ip_per_hour() -> int:
    return getattr(settings, "QUALITY_COMPLAINTS_PER_IP_PER_HOUR", 5)


@transaction.atomic
def file_complaint(
    *,
    by: User | None,
    subject: str,
    body: str,
    kind: str = Complaint.Kind.COMPLAINT,
    topic: str = Complaint.Topic.OTHER,
    name: str = "",
    email: str = "",
    ip: str | None = None,
) -> Complaint:
    """Anyone files a complaint: a member (their account is the contact) or a visitor (name and e-mail required).
    Rate-limited per address like the contact form; numbered R-<year>-<nnnn>; acknowledged by e-mail."""
    member = by if by is not None and by.is_authenticated else None
    if member is None and not (name.strip() and email.strip()):
        raise InvalidTransition(_("Indiquez votre nom et votre adresse e-mail, pour que nous puissions vous répondre."))
    if not subject.strip() or not body.strip():
        raise InvalidTransition(_("Indiquez l'objet et décrivez la situation."))
    # An atomic counter (compagnons/core/ratelimit.py): simultaneous posts cannot all pass.
    if not ratelimit.hit(
        ratelimit.key_for("quality:complaint:ip", ip or "?"), complaints_per_ip_per_hour(), timedelta(hours=1)
    ):
        raise InvalidTransition(_("Trop de messages envoyés : réessayez un peu plus tard."))
    now = timezone.now()
    sequence, number = _next_number(timezone.localdate(now).year)
    complaint = Complaint.objects.create(
        number=number,
        year=timezone.localdate(now).year,
        sequence=sequence,
        kind=kind,
        topic=topic,
        filer=member,
        name="" if member else name.strip(),
        email="" if member else email.strip(),
        subject=subject.strip(),
        body=body.strip(),
        received_at=now,
        due_on=timezone.localdate(now) + complaint_delay(),
    )
    audit.log(member, "quality.complaint_filed", complaint, kind=kind, topic=topic)
    transaction.on_commit(lambda: send_complaint_acknowledgement.enqueue(complaint.pk))
    return complaint


def _locked_complaint(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)


def _require_team(by: User) -> None:
    if not is_team(by):
        raise PermissionRefused(_("Seule l'équipe traite les réclamations et les actions d'amélioration."))


@transaction.atomic
def assign_complaint(complaint: Complaint, owner: User, *, by: User) -> Complaint:
    _require_team(by)
    if not is_team(owner):
        raise InvalidTransition(_("Le ou la responsable doit faire partie de l'équipe."))
    complaint = _locked_complaint(complaint)
    if not complaint.is_open:
        raise InvalidTransition(_("Cette réclamation a déjà reçu sa réponse."))
    complaint.owner = owner
    complaint.status = Complaint.Status.IN_PROGRESS
    complaint.save(update_fields=["owner", "status"])
    audit.log(by, "quality.complaint_assigned", complaint, owner=owner.pk)
    return complaint


@transaction.atomic
def answer_complaint(complaint: Complaint, answer: str, *, by: User) -> Complaint:
    """The answer goes to the filer by e-mail; the complaint stays in the register as « répondue »."""
    _require_team(by)
    complaint = _locked_complaint(complaint)
    if not answer.strip():
        raise InvalidTransition(_("Écrivez la réponse."))
    if not complaint.is_open:
        raise InvalidTransition(_("Cette réclamation a déjà reçu sa réponse."))
    complaint.answer = answer.strip()
    complaint.answered_at = timezone.now()
    complaint.answered_by = by
    complaint.owner = complaint.owner or by
    complaint.status = Complaint.Status.ANSWERED
    complaint.save(update_fields=["answer", "answered_at", "answered_by", "owner", "status"])
    audit.log(by, "quality.complaint_answered", complaint)
    transaction.on_commit(lambda: send_complaint_answer.enqueue(complaint.pk))
    return complaint


@transaction.atomic
def close_complaint(complaint: Complaint, *, by: User) -> Complaint:
    _require_team(by)
    complaint = _locked_complaint(complaint)
    if complaint.status != Complaint.Status.ANSWERED:
        raise InvalidTransition(_("Seule une réclamation répondue peut être close."))
    complaint.status = Complaint.Status.CLOSED
    complaint.closed_at = timezone.now()
    complaint.save(update_fields=["status", "closed_at"])
    audit.log(by, "quality.complaint_closed", complaint)
    return complaint


# --- Improvement actions --------------------------------------------------------------------------


@transaction.atomic
def save_action(action: ImprovementAction, *, by: User) -> ImprovementAction:
    """Create or update an action (fields validated by the form); the date it was done follows its status."""
    _require_team(by)
    if action.cause == ImprovementAction.Cause.COMPLAINT and action.complaint_id is None:
        raise InvalidTransition(_("Indiquez la réclamation à l'origine de cette action."))
    if action.cause != ImprovementAction.Cause.COMPLAINT:
        action.complaint = None
    creating = action.pk is None
    if not creating:
        ImprovementAction.objects.select_for_update(of=("self",)).get(pk=action.pk)
    else:
        action.created_by = by
    if action.status == ImprovementAction.Status.DONE and action.done_at is None:
        action.done_at = timezone.now()
    elif action.status != ImprovementAction.Status.DONE:
        action.done_at = None
    action.save()
    audit.log(by, "quality.action_created" if creating else "quality.action_updated", action, status=action.status)
    return action


# --- Audit dossiers -------------------------------------------------------------------------------


@transaction.atomic
def request_export(*, by: User, apprentice: User | None = None) -> AuditExport:
    """Build a dossier in the background; a dossier of the same kind already on its way is reused."""
    _require_team(by)
    kind = AuditExport.Kind.APPRENTICE if apprentice is not None else AuditExport.Kind.ASSOCIATION
    waiting = (
        AuditExport.objects.select_for_update(of=("self",))
        .filter(kind=kind, apprentice=apprentice, status__in=[AuditExport.Status.PENDING, AuditExport.Status.RUNNING])
        .first()
    )
    if waiting is not None:
        return waiting
    export = AuditExport.objects.create(kind=kind, apprentice=apprentice, requested_by=by)
    audit.log(by, "quality.export_requested", export, kind=kind, apprentice=apprentice.pk if apprentice else None)
    transaction.on_commit(lambda: build_audit_export.enqueue(export.pk))
    return export
