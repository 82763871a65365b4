"""Apprenticeship: path profiles, mentorships (la chaîne), cohorts, sessions, evidence, plans, and bench-apprenti's
own path."""

from datetime import timedelta
from itertools import batched, islice

from django.db import models
from django.utils import timezone

from bench import BENCH_APPRENTICE, BENCH_COMPAGNON, BENCH_FORMATEUR
from bench.scale.registry import SCALE_EMAILS, ScaleContext, bulk_linked, days_ago, scale_exists, seeder
from bench.scale.skills import Source, current_competences, mentor_ids, path_apprentice_ids, positioning_rows
from compagnons.accounts.models import User
from compagnons.apprenticeship.models import (
    Cohort,
    Enrollment,
    Evidence,
    Funding,
    MentoringSession,
    Mentorship,
    PathProfile,
    PlanGoal,
    PlanStep,
)
from compagnons.skills.models import Assessment, Positioning

COHORT_SIZE = 30
COHORT_PREFIX = "Promotion banc"
SESSIONS_PER_MENTORSHIP = 5
EVIDENCE_PER_APPRENTICE = 2


@seeder("apprenticeship.path_profiles", done=scale_exists(PathProfile, "member"))
def seed_path_profiles(ctx: ScaleContext) -> int:
    """The mentors' and founders' path profiles: capacity 2, a third of them named in the public chain."""
    rng = ctx.rng
    mentors, founders = mentor_ids(ctx)
    return ctx.bulk(
        PathProfile,
        (
            PathProfile(
                member_id=pk,
                mentor_capacity=2,
                accepting_apprentices=rng.random() < 0.5,
                public_in_chain=rng.random() < 0.3,
            )
            for pk in mentors + founders
        ),
    )


@seeder("apprenticeship.mentorships", done=scale_exists(Mentorship, "apprentice"))
def seed_mentorships(ctx: ScaleContext) -> int:
    """Each mentoring compagnon follows one or two path apprentices (active); one mentor in five was once
    the apprentice of a founder (ended), so la chaîne has three generations."""
    rng = ctx.rng
    mentors, founders = mentor_ids(ctx)
    apprentices = iter(path_apprentice_ids(ctx))
    staff_ids = ctx.staff_ids()
    objects = []
    for mentor in mentors:
        for apprentice in islice(apprentices, rng.choice((1, 2))):
            objects.append(
                Mentorship(
                    apprentice_id=apprentice,
                    mentor_id=mentor,
                    started_at=days_ago(ctx, 75, 300),
                    assigned_by_id=rng.choice(staff_ids),
                )
            )
        if founders and rng.random() < 0.2:
            started = days_ago(ctx, 500, 1_000)
            objects.append(
                Mentorship(
                    apprentice_id=mentor,
                    mentor_id=rng.choice(founders),
                    started_at=started,
                    ended_at=started + timedelta(days=rng.randrange(200, 400)),
                    end_reason="Parcours terminé : reçu·e compagnon.",
                    assigned_by_id=rng.choice(staff_ids),
                )
            )
    return ctx.bulk(Mentorship, objects)


def _active_scale_mentorships() -> models.QuerySet:
    return Mentorship.objects.active().filter(apprentice__email__endswith=SCALE_EMAILS).order_by("pk")


@seeder("apprenticeship.cohorts", done=lambda ctx: Cohort.objects.filter(name__startswith=COHORT_PREFIX).exists())
def seed_cohorts(ctx: ScaleContext) -> int:
    """Cohorts of COHORT_SIZE: every mentored apprentice enrolled (active), and two enrollment requests per
    cohort from path apprentices without a mentor. The first cohort is bench-formateur's."""
    rng = ctx.rng
    certification, _competences = current_competences()
    formateur = User.objects.get(email=BENCH_FORMATEUR).pk
    staff_ids = [pk for pk in ctx.staff_ids() if pk != formateur] or [formateur]
    mentored = list(_active_scale_mentorships().values_list("apprentice_id", flat=True))
    waiting = iter(sorted(set(path_apprentice_ids(ctx)) - set(mentored)))
    rng.shuffle(mentored)
    groups = list(batched(mentored, COHORT_SIZE))
    today = timezone.localdate(ctx.now)
    cohorts = []
    for n in range(len(groups)):
        starts = today - timedelta(days=rng.randrange(30, 330))
        cohorts.append(
            Cohort(
                name=f"{COHORT_PREFIX} {n + 1:03d}",
                certification=certification,
                starts_on=starts,
                ends_on=starts + timedelta(days=365),
                formateur_id=formateur if n == 0 else rng.choice(staff_ids),
                funding=rng.choice(Funding.values),
                capacity=COHORT_SIZE + 5,
                open_for_requests=rng.random() < 0.5,
                created_at=ctx.now - timedelta(days=(today - starts).days + 30),
            )
        )
    cohorts = Cohort.objects.bulk_create(cohorts)
    Status = Enrollment.Status

    def enrollments():
        for cohort, group in zip(cohorts, groups, strict=True):
            enrolled = ctx.now - timedelta(days=(today - cohort.starts_on).days)
            for member in group:
                yield Enrollment(
                    cohort=cohort,
                    member_id=member,
                    status=Status.ACTIVE,
                    requested_at=enrolled - timedelta(days=7),
                    enrolled_at=enrolled,
                    stage_changed_at=enrolled,
                    last_activity_at=days_ago(ctx, 0, 45),  # a third inactive for more than 21 days
                )
            for member in islice(waiting, 2):
                yield Enrollment(cohort=cohort, member_id=member, requested_at=days_ago(ctx, 1, 20))

    return len(cohorts) + ctx.bulk(Enrollment, enrollments())


SESSION_NOTES = [
    "Pitch retravaillé : plus court, plus concret.",
    "Organisation de la semaine et outils de suivi.",
    "Premier devis : méthode de chiffrage.",
    "Relance d'un client qui ne paie pas.",
    "",
]


def _session(
    ctx: ScaleContext, mentorship: tuple[int, int, int], on, status: str, competences: list[int]
) -> tuple[MentoringSession, list[int]]:
    rng = ctx.rng
    pk, apprentice, mentor = mentorship
    today = timezone.localdate(ctx.now)
    logged = ctx.now - timedelta(days=(today - on).days, hours=rng.randrange(1, 8))
    Status = MentoringSession.Status
    session = MentoringSession(
        mentorship_id=pk,
        apprentice_id=apprentice,
        mentor_id=mentor,
        date=on,
        duration_minutes=rng.choice((30, 45, 60, 60, 90, 120)),
        mode=rng.choice(MentoringSession.Mode.values),
        notes=rng.choice(SESSION_NOTES),
        next_steps="Préparer un devis type pour la prochaine fois.",
        next_session_on=on + timedelta(days=14),
        status=status,
        logged_at=logged,
        confirmed_at=logged + timedelta(hours=rng.randrange(1, 48)) if status == Status.CONFIRMED else None,
        dispute_comment="La séance a duré moins longtemps." if status == Status.DISPUTED else "",
    )
    return session, rng.sample(competences, rng.choice((1, 2, 3)))


def _sessions_of(ctx: ScaleContext, mentorship: tuple[int, int, int], count: int, competences: list[int]):
    """`count` sessions a fortnight apart (distinct dates), the latest first: it is pending half the time."""
    rng = ctx.rng
    Status = MentoringSession.Status
    today = timezone.localdate(ctx.now)
    for k in range(count):
        on = today - timedelta(days=14 * k + rng.randrange(1, 14))
        if k == 0 and rng.random() < 0.5:
            status = Status.PENDING
        else:
            status = rng.choices([Status.CONFIRMED, Status.PENDING, Status.DISPUTED], [85, 8, 7])[0]
        yield _session(ctx, mentorship, on, status, competences)


@seeder("apprenticeship.sessions", done=scale_exists(MentoringSession, "apprentice"))
def seed_sessions(ctx: ScaleContext) -> int:
    """SESSIONS_PER_MENTORSHIP sessions per active mentorship, one to three compétences each."""
    _certification, competences = current_competences()
    mentorships = list(_active_scale_mentorships().values_list("pk", "apprentice_id", "mentor_id"))

    def sessions():
        for mentorship in mentorships:
            yield from _sessions_of(ctx, mentorship, SESSIONS_PER_MENTORSHIP, competences)

    return bulk_linked(ctx, MentoringSession, sessions())


EVIDENCE_TITLES = [
    "Mon pitch pour un cabinet de kinésithérapeutes",
    "Tableau de suivi des devis",
    "Compte rendu d'une mission de saisie",
    "Maquette de site vitrine",
    "Procédure de relance des impayés",
    "Planning hebdomadaire d'un client",
]


def _evidence(
    ctx: ScaleContext, apprentice: int, n: int, mentor: int | None, competences: list[int], status: str | None = None
) -> tuple[Evidence, list[int]]:
    rng = ctx.rng
    Status = Evidence.Status
    if status is None:
        status = Status.SUBMITTED if mentor is None else rng.choices(list(Status.values), [35, 15, 50])[0]
    kind = rng.choice((Evidence.Kind.TEXT, Evidence.Kind.LINK))
    created = days_ago(ctx, 10, 200)
    reviewed = created + timedelta(days=rng.randrange(1, 10)) if status != Status.SUBMITTED else None
    evidence = Evidence(
        apprentice_id=apprentice,
        title=rng.choice(EVIDENCE_TITLES),
        kind=kind,
        text="J'ai repris l'agenda d'un cabinet : zéro rendez-vous perdu en deux mois." if kind == "text" else "",
        link=f"https://exemple.org/preuves/{apprentice}-{n}" if kind == "link" else "",
        status=status,
        reviewer_id=mentor if reviewed else None,
        reviewed_at=reviewed,
        review_comment="Il manque le cadrage avec le client." if status == Status.CHANGES_REQUESTED else "",
        created_at=created,
    )
    return evidence, rng.sample(competences, rng.choice((1, 2)))


@seeder("apprenticeship.evidence", done=scale_exists(Evidence, "apprentice"))
def seed_evidence(ctx: ScaleContext) -> int:
    """EVIDENCE_PER_APPRENTICE pieces per path apprentice (texts and links, one or two compétences each);
    a mentored apprentice's are validated by the mentor half the time, sent back for changes sometimes."""
    _certification, competences = current_competences()
    mentor_of = dict(_active_scale_mentorships().values_list("apprentice_id", "mentor_id"))
    return bulk_linked(
        ctx,
        Evidence,
        (
            _evidence(ctx, apprentice, n, mentor_of.get(apprentice), competences)
            for apprentice in path_apprentice_ids(ctx)
            for n in range(EVIDENCE_PER_APPRENTICE)
        ),
    )


PLAN_STEPS = ["S'entraîner avec son compagnon", "Le faire pour un vrai client", "En garder une preuve"]


def _plan(ctx: ScaleContext, goals: list[PlanGoal]) -> int:
    """bulk_create `goals`, then two or three steps each (the first ones often done)."""
    rng = ctx.rng
    rows = 0
    for batch in batched(goals, ctx.batch_size):
        created = PlanGoal.objects.bulk_create(batch)
        steps = []
        for goal in created:
            for label in PLAN_STEPS[: rng.choice((2, 3))]:
                done = not steps or steps[-1].goal_id != goal.pk or steps[-1].done
                done = done and rng.random() < 0.5
                steps.append(PlanStep(goal=goal, label=label, done=done, done_at=ctx.now if done else None))
        PlanStep.objects.bulk_create(steps, batch_size=ctx.batch_size)
        rows += len(created) + len(steps)
    return rows


@seeder("apprenticeship.plans", done=scale_exists(PlanGoal, "apprentice"))
def seed_plans(ctx: ScaleContext) -> int:
    """One or two plan goals per mentored apprentice, with their steps."""
    rng = ctx.rng
    _certification, competences = current_competences()
    today = timezone.localdate(ctx.now)
    goals = [
        PlanGoal(
            apprentice_id=apprentice,
            competence_id=competence,
            target_date=today + timedelta(days=rng.randrange(15, 120)),
            created_by_id=mentor,
            created_at=days_ago(ctx, 10, 60),
        )
        for apprentice, mentor in _active_scale_mentorships().values_list("apprentice_id", "mentor_id")
        for competence in rng.sample(competences, rng.choice((1, 2)))
    ]
    return _plan(ctx, goals)


def _bench_path_done(ctx: ScaleContext) -> bool:
    enrolled = Enrollment.objects.active().filter(member__email=BENCH_APPRENTICE).exists()
    return enrolled and Mentorship.objects.active().filter(apprentice__email=BENCH_APPRENTICE).exists()


@seeder("apprenticeship.bench_path", done=_bench_path_done)
def seed_bench_path(ctx: ScaleContext) -> int:
    """bench-apprenti's path: two reviewed bilans (entry, then mid-path with the mentor's view too), enrolled
    in bench-formateur's cohort, mentored by bench-compagnon (who follows a second apprentice), eight
    sessions, four pieces of evidence, a plan of three goals."""
    apprentice = User.objects.get(email=BENCH_APPRENTICE)
    formateur = User.objects.get(email=BENCH_FORMATEUR)
    compagnon = User.objects.get(email=BENCH_COMPAGNON)
    certification, competences = current_competences()
    rows = 0
    reviewed = {Source.SELF: apprentice.pk, Source.STAFF: formateur.pk}
    bilans = [
        (Positioning.Moment.ENTRY, 150, reviewed),
        (Positioning.Moment.MID, 30, {**reviewed, Source.MENTOR: compagnon.pk}),
    ]
    for moment, days, assessors in bilans:
        started = ctx.now - timedelta(days=days)
        positioning = Positioning.objects.create(
            member=apprentice,
            certification=certification,
            moment=moment,
            status=Positioning.Status.REVIEWED,
            started_at=started,
            submitted_at=started + timedelta(days=1),
            reviewed_at=started + timedelta(days=3),
            reviewed_by=formateur,
            staff_comment="Léa sait organiser son travail ; priorité : se présenter et chiffrer ses devis.",
        )
        rows += 1 + ctx.bulk(Assessment, positioning_rows(ctx, positioning, competences, assessors))

    cohort = Cohort.objects.filter(formateur=formateur, name__startswith=COHORT_PREFIX).order_by("pk").first()
    if cohort is None:  # a data set too small for cohorts of its own
        today = timezone.localdate(ctx.now)
        cohort = Cohort.objects.create(
            name=f"{COHORT_PREFIX} 000",
            certification=certification,
            starts_on=today - timedelta(days=160),
            ends_on=today + timedelta(days=200),
            formateur=formateur,
            funding=Funding.FRANCE_TRAVAIL,
            capacity=COHORT_SIZE + 5,
        )
        rows += 1
    enrolled = ctx.now - timedelta(days=160)
    Enrollment.objects.create(
        cohort=cohort,
        member=apprentice,
        status=Enrollment.Status.ACTIVE,
        requested_at=enrolled,
        enrolled_at=enrolled,
        stage_changed_at=enrolled,
        last_activity_at=ctx.now - timedelta(days=2),
    )
    PathProfile.objects.update_or_create(member=compagnon, defaults={"mentor_capacity": 2, "public_in_chain": True})
    mentored = set(Mentorship.objects.active().values_list("apprentice_id", flat=True))
    second = next((pk for pk in path_apprentice_ids(ctx) if pk not in mentored), None)
    mentorships = [Mentorship(apprentice=apprentice, mentor=compagnon, started_at=enrolled, assigned_by=formateur)]
    if second:
        mentorships.append(
            Mentorship(apprentice_id=second, mentor=compagnon, started_at=enrolled, assigned_by=formateur)
        )
    mentorships = Mentorship.objects.bulk_create(mentorships)
    rows += 2 + len(mentorships)

    sessions = []
    for m, count in zip(mentorships, (8, 3), strict=False):
        sessions += _sessions_of(ctx, (m.pk, m.apprentice_id, m.mentor_id), count, competences)
    rows += bulk_linked(ctx, MentoringSession, sessions)
    Status = Evidence.Status
    statuses = [Status.VALIDATED, Status.VALIDATED, Status.SUBMITTED, Status.CHANGES_REQUESTED]
    rows += bulk_linked(
        ctx,
        Evidence,
        [_evidence(ctx, apprentice.pk, n, compagnon.pk, competences, s) for n, s in enumerate(statuses)],
    )
    goals = [
        PlanGoal(
            apprentice=apprentice,
            competence_id=competence,
            target_date=timezone.localdate(ctx.now) + timedelta(days=30 * (n + 1)),
            created_by=compagnon,
        )
        for n, competence in enumerate(competences[:3])
    ]
    return rows + _plan(ctx, goals)
