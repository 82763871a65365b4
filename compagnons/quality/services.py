"""Every write of the quality app, the periodic scans of satisfaction surveys, and the figures other apps read
(`dashboard_context`, `satisfaction_by_year`).

Settings are read with a default (`getattr(settings, "QUALITY_…", default)`), listed in docs/quality.md.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import ExtractYear, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.accounts.models import User
from compagnons.apprenticeship.models import (
    Cohort,
    Enrollment,
    MentoringSession,
    Mentorship,
    Stage,
    StageTransition,
)
from compagnons.core import audit, ratelimit, tokens
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.permissions import is_team
from compagnons.missions.models import Mission
from compagnons.quality.models import (
    SATISFIED_FROM,
    AuditExport,
    Complaint,
    ComplaintCounter,
    ImprovementAction,
    Survey,
)

SURVEY_PURPOSE = "quality.survey"
ENDED = [Enrollment.Status.COMPLETED, Enrollment.Status.CERTIFIED, Enrollment.Status.DROPPED_OUT]
MAX_REMINDERS = 2
BATCH = 500  # surveys created, invited or reminded per run at most: the next run takes the rest


def _days(name: str, default: int) -> timedelta:
    return timedelta(days=getattr(settings, name, default))


def link_max_age() -> timedelta:
    """How long a personal survey link works (each e-mail, reminders included, carries a fresh one)."""
    return _days("QUALITY_SURVEY_LINK_DAYS", 30)


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


def _surveyed(kind: str):
    """The apprentice's survey of this kind for the enrollment (OuterRef): events already surveyed are skipped, so
    each run takes the next BATCH events, not the same ones again."""
    return Survey.objects.filter(enrollment_id=OuterRef("pk"), kind=kind, audience=Survey.Audience.APPRENTICE)


def create_due_surveys(now=None) -> int:
    """Create the surveys the data calls for (ended stages and paths, six-month follow-ups, closed missions).

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
    apprentices = {t.enrollment.member_id for t in transitions} | {e.member_id for e in ended}
    mentors = _mentors_at(apprentices)
    people = apprentices | {e.member_id for e in cold} | {m.client_id for m in missions}
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


def survey_token(survey: Survey) -> str:
    return tokens.make(SURVEY_PURPOSE, survey.pk, survey.person_id)


def survey_link(survey: Survey) -> str:
    return settings.SITE_URL + reverse("quality:survey_link", args=[survey.pk, survey_token(survey)])


def check_survey_token(survey: Survey, token: str) -> None:
    """Raise tokens.ExpiredLink or tokens.InvalidLink (French message) unless the link is this person's."""
    tokens.check(
        token,
        purpose=SURVEY_PURPOSE,
        obj_pk=survey.pk,
        person_pk=survey.person_id,
        max_age=link_max_age(),
        person_active=survey.person.is_active,
    )


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
    from compagnons.quality.tasks import send_complaint_acknowledgement

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
    from compagnons.quality.tasks import send_complaint_answer

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
    from compagnons.quality.tasks import build_audit_export

    transaction.on_commit(lambda: build_audit_export.enqueue(export.pk))
    return export


# --- Figures: satisfaction per cohort, training hours, the dashboard, the public results ------------


def satisfaction_rows(cohort_ids: list[int]) -> list[dict]:
    """Per cohort, survey kind and audience: invited (the base), respondents, satisfied, mean score. One query."""
    rows = (
        Survey.objects.filter(cohort_id__in=cohort_ids)
        .values("cohort_id", "kind", "audience")
        .annotate(
            surveyed=Count("pk"),
            respondents=Count("pk", filter=Q(answered_at__isnull=False)),
            satisfied=Count("pk", filter=Q(answered_at__isnull=False, satisfaction__gte=SATISFIED_FROM)),
            mean=Avg("satisfaction", filter=Q(answered_at__isnull=False)),
        )
        .order_by("cohort_id", "kind", "audience")
    )
    kinds = dict(Survey.Kind.choices)
    audiences = dict(Survey.Audience.choices)
    result = []
    for row in rows:
        row["kind_label"] = kinds[row["kind"]]
        row["audience_label"] = audiences[row["audience"]]
        row["share"] = round(100 * row["satisfied"] / row["respondents"]) if row["respondents"] else None
        result.append(row)
    return result


def mission_satisfaction() -> dict:
    """Clients after a mission, all missions together. One query."""
    row = Survey.objects.filter(kind=Survey.Kind.MISSION).aggregate(
        surveyed=Count("pk"),
        respondents=Count("pk", filter=Q(answered_at__isnull=False)),
        satisfied=Count("pk", filter=Q(answered_at__isnull=False, satisfaction__gte=SATISFIED_FROM)),
        mean=Avg("satisfaction", filter=Q(answered_at__isnull=False)),
    )
    row["share"] = round(100 * row["satisfied"] / row["respondents"]) if row["respondents"] else None
    return row


def cohorts_with_results(cohort_ids: list[int]) -> list[tuple[Cohort, list[dict]]]:
    """Two queries: the cohorts, then their survey figures."""
    cohorts = list(Cohort.objects.filter(pk__in=cohort_ids).order_by("-starts_on", "name"))
    by_cohort: dict[int, list[dict]] = {}
    for row in satisfaction_rows([c.pk for c in cohorts]):
        by_cohort.setdefault(row["cohort_id"], []).append(row)
    return [(c, by_cohort.get(c.pk, [])) for c in cohorts]


def cohort_hours(cohort_ids: list[int]) -> dict[int, dict]:
    """Per cohort: enrolled members, and the minutes of confirmed sessions they had as members of it — dated from
    the cohort's start until their exit (if they left), so a member enrolled twice is not counted twice. Two queries.
    """
    members = dict(
        Enrollment.objects.filter(cohort_id__in=cohort_ids)
        .exclude(status=Enrollment.Status.REQUESTED)
        .values("cohort_id")
        .annotate(n=Count("pk"))
        .values_list("cohort_id", "n")
    )
    # One filter() call: the conditions on the member's sessions apply to the same joined session row, and the
    # sums that follow count only those rows.
    s = "member__sessions_as_apprentice__"
    sessions = (
        Enrollment.objects.filter(cohort_id__in=cohort_ids)
        .exclude(status=Enrollment.Status.REQUESTED)
        .filter(
            Q(**{f"{s}status": MentoringSession.Status.CONFIRMED}),
            Q(**{f"{s}date__gte": F("cohort__starts_on")}),
            Q(ended_at__isnull=True) | Q(**{f"{s}date__lte": TruncDate("ended_at")}),
        )
        .values("cohort_id")
        .annotate(
            minutes=Sum(f"{s}duration_minutes"), sessions=Count(f"{s}id"), apprentices=Count("member", distinct=True)
        )
    )
    found = {row["cohort_id"]: row for row in sessions}
    result = {}
    for cohort_id in cohort_ids:
        row = found.get(cohort_id, {})
        minutes = row.get("minutes") or 0
        result[cohort_id] = {
            "members": members.get(cohort_id, 0),
            "apprentices": row.get("apprentices", 0),
            "sessions": row.get("sessions", 0),
            "minutes": minutes,
            "hours": round(minutes / 60, 1),
        }
    return result


DASHBOARD_ACTIONS = 10


def complaint_counts(today=None) -> dict:
    today = today or timezone.localdate()
    return Complaint.objects.aggregate(
        open=Count("pk", filter=Q(status__in=[Complaint.Status.RECEIVED, Complaint.Status.IN_PROGRESS])),
        overdue=Count(
            "pk",
            filter=Q(status__in=[Complaint.Status.RECEIVED, Complaint.Status.IN_PROGRESS], due_on__lt=today),
        ),
    )


def dashboard_context(cohort_ids: list[int]) -> dict:
    """For the staff dashboard (outcomes): everything under the one key `quality`, for
    `{% include "quality/dashboard_section.html" %}`. Five queries, whatever the data size:
    cohorts, their survey figures, the actions shown, the action counts, the complaint counts."""
    today = timezone.localdate()
    actions = list(
        ImprovementAction.objects.select_related("owner", "complaint")
        .annotate(
            closed=~Q(status__in=[ImprovementAction.Status.PLANNED, ImprovementAction.Status.IN_PROGRESS]),
        )
        .order_by("closed", "due_on", "pk")[:DASHBOARD_ACTIONS]
    )
    action_counts = ImprovementAction.objects.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=[ImprovementAction.Status.PLANNED, ImprovementAction.Status.IN_PROGRESS])),
        overdue=Count(
            "pk",
            filter=Q(
                status__in=[ImprovementAction.Status.PLANNED, ImprovementAction.Status.IN_PROGRESS], due_on__lt=today
            ),
        ),
    )
    return {
        "quality": {
            "cohorts": cohorts_with_results(list(cohort_ids)),
            "actions": actions,
            "action_counts": action_counts,
            "complaints": complaint_counts(today),
            "satisfied_from": SATISFIED_FROM,
        }
    }


def satisfaction_by_year() -> dict[int, tuple[int, int]]:
    """Apprentices' end-of-path « à chaud » survey, by the year the path ended: (satisfied, respondents).

    Satisfied: overall satisfaction 3 or 4 on the 4-point scale (« Plutôt » or « Très satisfait·e »). One query.
    """
    rows = (
        Survey.objects.answered()
        .filter(kind=Survey.Kind.PATH_HOT, audience=Survey.Audience.APPRENTICE)
        .annotate(year=ExtractYear("event_at"))
        .values("year")
        .annotate(respondents=Count("pk"), satisfied=Count("pk", filter=Q(satisfaction__gte=SATISFIED_FROM)))
        .order_by("year")
    )
    return {row["year"]: (row["satisfied"], row["respondents"]) for row in rows}


def pending_surveys_for(user: User, limit: int = 5) -> list[Survey]:
    return list(Survey.objects.pending().filter(person=user).order_by("closes_at", "pk")[:limit])


def mark_complaint_acknowledged(complaint_id: int) -> bool:
    """Record the acknowledgement once (conditional UPDATE): True for the one caller who should send it."""
    return bool(
        Complaint.objects.filter(pk=complaint_id, acknowledged_at__isnull=True).update(acknowledged_at=timezone.now())
    )
