"""The scale data set: `manage.py seed_scale` runs every seeder registered here, in order.

A seeder fills one part of the world with bulk inserts and says, through its `done` check, whether that part
is already there, so a database seeded by an earlier issue only gets the new tables filled.
Later issues add their tables with::

    @seeder("missions.missions", done=lambda ctx: Mission.objects.count() >= ctx.users // 10)
    def seed_missions(ctx: ScaleContext) -> int:
        return ctx.bulk(Mission, (Mission(...) for i in range(ctx.users // 10)))
"""

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from itertools import batched, islice

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from bench import (
    BENCH_APPRENTICE,
    BENCH_CLIENT,
    BENCH_COMPAGNON,
    BENCH_FORMATEUR,
    BENCH_PASSWORD,
    BENCH_PROFILE_SLUG,
    DEFAULT_AUDIT_PER_USER,
    DEFAULT_USERS,
)
from compagnons.accounts.models import (
    Availability,
    CharterAcceptance,
    CharterVersion,
    Region,
    Role,
    RoleGrant,
    User,
)
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
from compagnons.core.models import AuditLog
from compagnons.ledger.models import Account, Movement, Transaction
from compagnons.missions.models import Application, Attestation, Delivery, Mission, Testimonial, WorkerProfile
from compagnons.showcase.models import Profile, Service, Theme
from compagnons.showcase.services import service_problem
from compagnons.skills.models import Assessment, Certification, Level, Positioning, Trade

SCALE_EMAIL_DOMAIN = "scale.test"
BATCH_SIZE = 5_000


@dataclass
class ScaleContext:
    """What every seeder gets: the target size, one password hash for everyone, a seeded random generator."""

    users: int = DEFAULT_USERS
    audit_per_user: int = DEFAULT_AUDIT_PER_USER
    batch_size: int = BATCH_SIZE
    rng: random.Random = field(default_factory=lambda: random.Random(20240601))  # not for cryptography
    now: datetime = field(default_factory=timezone.now)
    log: Callable[[str], None] = print

    @cached_property
    def password_hash(self) -> str:
        """Hashed once (it is slow on purpose) and reused for every account."""
        return make_password(BENCH_PASSWORD)

    def user_ids(self) -> list[int]:
        return list(User.objects.order_by("pk").values_list("pk", flat=True))

    def staff_ids(self) -> list[int]:
        return list(User.objects.filter(is_staff=True).values_list("pk", flat=True))

    def past(self, days: int = 3 * 365) -> datetime:
        """A random moment in the last `days` days."""
        return self.now - timedelta(seconds=self.rng.randrange(days * 86_400))

    def bulk(self, model: type[models.Model], objects: Iterable[models.Model]) -> int:
        """bulk_create in batches of `batch_size`; returns the number of rows."""
        count = 0
        for batch in batched(objects, self.batch_size):
            model._default_manager.bulk_create(batch, batch_size=self.batch_size)
            count += len(batch)
        return count


@dataclass(frozen=True)
class Seeder:
    name: str
    seed: Callable[[ScaleContext], int]
    done: Callable[[ScaleContext], bool]


SEEDERS: list[Seeder] = []


def seeder(name: str, *, done: Callable[[ScaleContext], bool]):
    """Register `func(ctx) -> rows created` as a seeder; `done(ctx)` tells whether its data is already there."""

    def register(func: Callable[[ScaleContext], int]) -> Callable[[ScaleContext], int]:
        SEEDERS.append(Seeder(name, func, done))
        return func

    return register


def is_seeded(ctx: ScaleContext) -> bool:
    return all(s.done(ctx) for s in SEEDERS)


def seed(ctx: ScaleContext, *, only: Iterable[str] = ()) -> list[tuple[str, int, float]]:
    """Run every seeder that is not done yet, each in its own transaction. Returns (name, rows, seconds)."""
    wanted = set(only)
    report = []
    for s in SEEDERS:
        if wanted and s.name not in wanted:
            continue
        if s.done(ctx):
            ctx.log(f"{s.name}: already seeded")
            continue
        started = time.perf_counter()
        with transaction.atomic():
            rows = s.seed(ctx)
        seconds = time.perf_counter() - started
        ctx.log(f"{s.name}: {rows} rows in {seconds:.1f} s")
        report.append((s.name, rows, seconds))
    if report:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics after a bulk load (SQLite and PostgreSQL)
    return report


# --- accounts ----------------------------------------------------------------------------------

FIRST_NAMES = (  # noqa: SIM905 - a word list reads better as text
    "Léa Emma Jade Louise Alice Chloé Lina Rose Anna Mila Inès Ambre Julia Zoé Manon Camille Sarah Nour Fatou "
    "Aïcha Gabriel Louis Raphaël Jules Adam Lucas Léo Hugo Arthur Nathan Paul Sacha Mohamed Yanis Karim Samuel "
    "Malo Noé Thomas Mathis"
).split()
LAST_NAMES = (  # noqa: SIM905 - a word list reads better as text
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefèvre Leroy Roux "
    "David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller Lefebvre "
    "Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Haddad Nguyen Diallo "
    "Benali Lemaire"
).split()
TRADES = [
    "Télésecrétariat",
    "Assistance comptable",
    "Développement web",
    "Graphisme",
    "Rédaction web",
    "Traduction anglais-français",
    "Community management",
    "Support informatique",
    "Gestion de paie",
    "Transcription",
    "Illustration",
    "Montage vidéo",
    "Saisie de données",
    "Relation client",
    "Conseil en SEO",
    "",
]
LANGUAGES = ["français", "français, anglais", "français, espagnol", "français, arabe", "français, anglais, allemand"]


BENCH_EMAILS = [BENCH_APPRENTICE, BENCH_FORMATEUR, BENCH_COMPAGNON, BENCH_CLIENT]


def _bench_accounts_exist(ctx: ScaleContext) -> bool:
    return User.objects.filter(email__in=BENCH_EMAILS).count() == len(BENCH_EMAILS)


def _scale_user_count() -> int:
    return User.objects.filter(email__endswith=f"@{SCALE_EMAIL_DOMAIN}").count()


@seeder("accounts.bench_accounts", done=_bench_accounts_exist)
def seed_bench_accounts(ctx: ScaleContext) -> int:
    """The accounts `make bench` logs in with (password BENCH_PASSWORD)."""
    charter = CharterVersion.objects.current()
    people = [
        (BENCH_APPRENTICE, "Léa", "Banc", Role.APPRENTICE, False),
        (BENCH_FORMATEUR, "Claire", "Banc", Role.STAFF, True),
        (BENCH_COMPAGNON, "Jean", "Banc", Role.COMPAGNON, False),
        (BENCH_CLIENT, "Sophie", "Banc", Role.CLIENT, False),
    ]
    for email, first, last, role, is_staff in people:
        user, _created = User.objects.update_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "password": ctx.password_hash,
                "is_staff": is_staff,
                "trade": "Télésecrétariat",
                "region": Region.OCCITANIE,
                "languages": "français",
                "availability": Availability.PART_TIME,
            },
        )
        RoleGrant.objects.get_or_create(user=user, role=role)
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        if charter:
            CharterAcceptance.objects.get_or_create(user=user, charter=charter)
    return len(people)


@seeder("accounts.members", done=lambda ctx: _scale_user_count() >= ctx.users)
def seed_members(ctx: ScaleContext) -> int:
    """Members with roles, a verified e-mail address and the current charter accepted."""
    charter = CharterVersion.objects.current()
    rng = ctx.rng
    regions = list(Region.values)
    availabilities = list(Availability.values)
    start = _scale_user_count()
    created = 0
    for numbers in batched(range(start, ctx.users), ctx.batch_size):
        users, roles = [], []
        for n in numbers:
            r = rng.random()
            user_roles = (
                [Role.APPRENTICE]
                if r < 0.70
                else [Role.COMPAGNON]
                if r < 0.84
                else [Role.CLIENT]
                if r < 0.95
                else [Role.COMPAGNON, Role.CLIENT]
                if r < 0.999
                else [Role.STAFF]
            )
            joined = ctx.past()
            users.append(
                User(
                    email=f"membre{n:06d}@{SCALE_EMAIL_DOMAIN}",
                    password=ctx.password_hash,
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    is_staff=Role.STAFF in user_roles,
                    trade=rng.choice(TRADES),
                    region=rng.choice(regions),
                    languages=rng.choice(LANGUAGES),
                    availability=rng.choice(availabilities),
                    date_joined=joined,
                    transmit_requested_at=(
                        joined + timedelta(days=rng.randrange(30))
                        if Role.COMPAGNON not in user_roles and rng.random() < 0.02
                        else None
                    ),
                )
            )
            roles.append(user_roles)
        users = User.objects.bulk_create(users)
        assert all(u.pk for u in users), "bulk_create must return primary keys (SQLite ≥ 3.35 or PostgreSQL)"
        RoleGrant.objects.bulk_create(
            RoleGrant(user=u, role=role, granted_at=u.date_joined)
            for u, rs in zip(users, roles, strict=True)
            for role in rs
        )
        EmailAddress.objects.bulk_create(
            EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
        )
        if charter:
            CharterAcceptance.objects.bulk_create(
                CharterAcceptance(user=u, charter=charter, accepted_at=u.date_joined + timedelta(minutes=5))
                for u in users
            )
        created += len(users)
        ctx.log(f"  members: {start + created}/{ctx.users}")
    return created


# --- core --------------------------------------------------------------------------------------

# (action, weight)
AUDIT_ACTIONS = [
    ("account.logged_in", 60),
    ("account.signed_up", 10),
    ("account.charter_accepted", 10),
    ("account.profile_updated", 15),
    ("account.role_granted", 5),
]


def _audit_done(ctx: ScaleContext) -> bool:
    return AuditLog.objects.count() >= ctx.users * ctx.audit_per_user


@seeder("core.audit_log", done=_audit_done)
def seed_audit_log(ctx: ScaleContext) -> int:
    """`audit_per_user` entries per member on average, spread over three years."""
    rng = ctx.rng
    user_type = ContentType.objects.get_for_model(User)
    user_ids = ctx.user_ids()
    staff_ids = ctx.staff_ids() or [None]
    actions = [a for a, _w in AUDIT_ACTIONS]
    weights = [w for _a, w in AUDIT_ACTIONS]
    target = ctx.users * ctx.audit_per_user - AuditLog.objects.count()

    def entries():
        for action in rng.choices(actions, weights, k=target):
            user_id = rng.choice(user_ids)
            actor_id, data = user_id, {}
            if action == "account.role_granted":
                actor_id, data = rng.choice(staff_ids), {"role": rng.choice(Role.values)}
            elif action == "account.signed_up":
                data = {"intents": ["learn"]}
            elif action == "account.profile_updated":
                data = {"fields": ["trade", "region"]}
            yield AuditLog(
                created_at=ctx.past(),
                actor_id=actor_id,
                action=action,
                target_type=user_type,
                target_id=str(user_id),
                target_repr=f"Membre n°{user_id}",
                data=data,
            )

    return ctx.bulk(AuditLog, entries())


# --- skills ------------------------------------------------------------------------------------

# Shares of `ctx.users`; at 100,000 members: 5,000 apprentices with a bilan, 2,000 mentoring compagnons,
# 100 founders (compagnons who mentored some of today's mentors: the roots of la chaîne).
POSITIONED_SHARE = 20
MENTOR_SHARE = 50
FOUNDER_SHARE = 1_000
COHORT_SIZE = 30
COHORT_PREFIX = "Promotion banc"
SESSIONS_PER_MENTORSHIP = 5
EVIDENCE_PER_APPRENTICE = 2
SCALE_EMAILS = f"@{SCALE_EMAIL_DOMAIN}"

Source = Assessment.Source
SELF_LEVELS = ([0, 1, 2, 3], [2, 4, 3, 1])  # (levels, weights) of a self-assessment


def _role_ids(role: str) -> list[int]:
    """The scale members with `role`, by primary key (the same list for every seeder that asks)."""
    grants = RoleGrant.objects.filter(role=role, user__email__endswith=SCALE_EMAILS)
    return list(grants.order_by("user_id").values_list("user_id", flat=True))


def path_apprentice_ids(ctx: ScaleContext) -> list[int]:
    """The apprentices on the path: a bilan each, evidence; the first ones get a mentor and a cohort."""
    return _role_ids(Role.APPRENTICE)[: ctx.users // POSITIONED_SHARE]


def mentor_ids(ctx: ScaleContext) -> tuple[list[int], list[int]]:
    """(compagnons who mentor today, founders who mentored some of them)."""
    compagnons = _role_ids(Role.COMPAGNON)
    n = ctx.users // MENTOR_SHARE
    return compagnons[:n], compagnons[n : n + ctx.users // FOUNDER_SHARE]


def current_competences() -> tuple[Certification, list[int]]:
    certification = Certification.objects.current()
    if certification is None:
        raise RuntimeError("No certification in force: the skills migrations ship one, run migrate first.")
    competences = certification.competences.order_by("block__position", "position", "code")
    return certification, list(competences.values_list("pk", flat=True))


def _days_ago(ctx: ScaleContext, low: int, high: int) -> datetime:
    return ctx.now - timedelta(days=low, seconds=ctx.rng.randrange((high - low) * 86_400))


def _positioning_rows(
    ctx: ScaleContext, positioning: Positioning, competences: list[int], assessors: dict[str, int]
) -> Iterable[Assessment]:
    """One assessment per compétence and source; the other sources stay within one level of the member's own."""
    rng = ctx.rng
    for competence in competences:
        own = rng.choices(*SELF_LEVELS)[0]
        for source, assessor in assessors.items():
            level = own if source == Source.SELF else max(0, min(3, own + rng.choice((-1, 0, 0, 1))))
            yield Assessment(
                member_id=positioning.member_id,
                competence_id=competence,
                level=level,
                source=source,
                assessor_id=assessor,
                positioning=positioning,
                assessed_at=positioning.submitted_at if source == Source.SELF else positioning.reviewed_at,
            )


def _positionings_done(ctx: ScaleContext) -> bool:
    scale = Positioning.objects.filter(member__email__endswith=SCALE_EMAILS)
    return scale.count() >= len(path_apprentice_ids(ctx))


@seeder("skills.positionings", done=_positionings_done)
def seed_positionings(ctx: ScaleContext) -> int:
    """A bilan per path apprentice: 80 % reviewed (self and formateur on every compétence: 72 assessments),
    15 % submitted (36, waiting in the formateurs' queue), 5 % drafts (half the compétences)."""
    rng = ctx.rng
    certification, competences = current_competences()
    staff_ids = ctx.staff_ids()
    Status = Positioning.Status
    rows = 0
    for members in batched(path_apprentice_ids(ctx), 1_000):
        positionings = []
        for member in members:
            r = rng.random()
            status = Status.REVIEWED if r < 0.80 else Status.SUBMITTED if r < 0.95 else Status.DRAFT
            started = _days_ago(ctx, 30, 400)
            submitted = started + timedelta(days=rng.randrange(1, 8)) if status != Status.DRAFT else None
            reviewed = submitted + timedelta(days=rng.randrange(1, 15)) if status == Status.REVIEWED else None
            positionings.append(
                Positioning(
                    member_id=member,
                    certification=certification,
                    status=status,
                    started_at=started,
                    submitted_at=submitted,
                    reviewed_at=reviewed,
                    reviewed_by_id=rng.choice(staff_ids) if reviewed else None,
                    staff_comment="Bases solides ; priorité : chiffrer et présenter son offre." if reviewed else "",
                )
            )
        positionings = Positioning.objects.bulk_create(positionings)
        rows += len(positionings)

        def assessments(positionings=positionings):
            for p in positionings:
                if p.status == Status.DRAFT:
                    p.submitted_at = p.started_at + timedelta(hours=1)
                    yield from _positioning_rows(ctx, p, competences[: len(competences) // 2], {Source.SELF: None})
                else:
                    assessors = {Source.SELF: None, **({Source.STAFF: p.reviewed_by_id} if p.reviewed_at else {})}
                    yield from _positioning_rows(ctx, p, competences, assessors)

        rows += ctx.bulk(Assessment, assessments())
        ctx.log(f"  positionings: {rows} rows")
    return rows


# --- apprenticeship ----------------------------------------------------------------------------


def _scale_exists(model: type[models.Model], field: str) -> Callable[[ScaleContext], bool]:
    return lambda ctx: model._default_manager.filter(**{f"{field}__email__endswith": SCALE_EMAILS}).exists()


def _bulk_linked(ctx: ScaleContext, model: type[models.Model], items: Iterable[tuple[models.Model, list[int]]]) -> int:
    """bulk_create `model` rows and their `competences` (many-to-many); returns how many rows in all."""
    through = model._meta.get_field("competences").remote_field.through
    fk = f"{model._meta.model_name}_id"
    count = 0
    for batch in batched(items, ctx.batch_size):
        objects = model._default_manager.bulk_create([obj for obj, _c in batch])
        links = [
            through(**{fk: obj.pk, "competence_id": c})
            for obj, (_o, competences) in zip(objects, batch, strict=True)
            for c in competences
        ]
        through.objects.bulk_create(links, batch_size=ctx.batch_size)
        count += len(objects) + len(links)
    return count


@seeder("apprenticeship.path_profiles", done=_scale_exists(PathProfile, "member"))
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


@seeder("apprenticeship.mentorships", done=_scale_exists(Mentorship, "apprentice"))
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
                    started_at=_days_ago(ctx, 75, 300),
                    assigned_by_id=rng.choice(staff_ids),
                )
            )
        if founders and rng.random() < 0.2:
            started = _days_ago(ctx, 500, 1_000)
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
                    last_activity_at=_days_ago(ctx, 0, 45),  # a third inactive for more than 21 days
                )
            for member in islice(waiting, 2):
                yield Enrollment(cohort=cohort, member_id=member, requested_at=_days_ago(ctx, 1, 20))

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


@seeder("apprenticeship.sessions", done=_scale_exists(MentoringSession, "apprentice"))
def seed_sessions(ctx: ScaleContext) -> int:
    """SESSIONS_PER_MENTORSHIP sessions per active mentorship, one to three compétences each."""
    _certification, competences = current_competences()
    mentorships = list(_active_scale_mentorships().values_list("pk", "apprentice_id", "mentor_id"))

    def sessions():
        for mentorship in mentorships:
            yield from _sessions_of(ctx, mentorship, SESSIONS_PER_MENTORSHIP, competences)

    return _bulk_linked(ctx, MentoringSession, sessions())


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
    created = _days_ago(ctx, 10, 200)
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


@seeder("apprenticeship.evidence", done=_scale_exists(Evidence, "apprentice"))
def seed_evidence(ctx: ScaleContext) -> int:
    """EVIDENCE_PER_APPRENTICE pieces per path apprentice (texts and links, one or two compétences each);
    a mentored apprentice's are validated by the mentor half the time, sent back for changes sometimes."""
    _certification, competences = current_competences()
    mentor_of = dict(_active_scale_mentorships().values_list("apprentice_id", "mentor_id"))
    return _bulk_linked(
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


@seeder("apprenticeship.plans", done=_scale_exists(PlanGoal, "apprentice"))
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
            created_at=_days_ago(ctx, 10, 60),
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
        rows += 1 + ctx.bulk(Assessment, _positioning_rows(ctx, positioning, competences, assessors))

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
    rows += _bulk_linked(ctx, MentoringSession, sessions)
    Status = Evidence.Status
    statuses = [Status.VALIDATED, Status.VALIDATED, Status.SUBMITTED, Status.CHANGES_REQUESTED]
    rows += _bulk_linked(
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


# --- missions ----------------------------------------------------------------------------------

# Shares of `ctx.users`; at 100,000 members: 50,000 missions posted by the clients, 5,000 of them open
# (published in the last 60 days), 200,000 applications.
MISSION_SHARE = 2
OPEN_MISSION_SHARE = 20
APPLICATIONS_PER_MEMBER = 2
RECORDS_SHARE = 5  # 1 closed mission in 5 has testimonials both ways and the client's attestation
MS = Mission.Status
AS = Application.Status
# The missions that are not open: (statuses, weights). Expired ones never had an application.
PAST_STATUSES = (
    [MS.CLOSED, MS.CANCELLED, MS.EXPIRED, MS.DRAFT, MS.SUBMITTED, MS.ASSIGNED, MS.IN_PROGRESS, MS.DELIVERED],
    [62, 9, 10, 7, 2, 3, 4, 3],
)
WORKED = (MS.ASSIGNED, MS.IN_PROGRESS, MS.DELIVERED, MS.CLOSED)  # one chosen application each
ENDED = (MS.CLOSED, MS.CANCELLED, MS.EXPIRED)
OPEN_APPLICATION_STATUSES = ([AS.SENT, AS.SHORTLISTED, AS.DRAFT, AS.WITHDRAWN], [70, 18, 6, 6])
BENCH_MISSION_TITLE = "Gestion d'agenda et prise de rendez-vous pour un cabinet de kinésithérapie"
BENCH_MISSION_APPLICATIONS = 20
BENCH_SIRET = "73282932000074"

MISSION_TITLES = [
    "Gestion d'agenda pour un cabinet médical",
    "Standard téléphonique à distance",
    "Saisie et classement de factures fournisseurs",
    "Mise en page d'une plaquette associative",
    "Relecture de fiches produits",
    "Site vitrine pour une boulangerie",
    "Transcription d'entretiens",
    "Animation des réseaux sociaux d'une librairie",
    "Relances clients et suivi des impayés",
    "Traduction d'une brochure touristique",
    "Tenue de l'agenda d'un artisan",
    "Prise de rendez-vous pour un cabinet d'avocats",
    "Gestion des inscriptions d'une association",
    "Montage d'une vidéo de présentation",
]
MISSION_CONTEXTS = [
    "Une petite structure qui a besoin d'un coup de main fiable.",
    "Un cabinet de trois praticiens débordé par les appels et les rendez-vous.",
    "Une association qui prépare sa rentrée et ses inscriptions.",
    "Un artisan qui veut se consacrer à ses chantiers plutôt qu'à l'administratif.",
]
MISSION_DELIVERABLES = [
    "Le travail livré dans un format modifiable, avec une courte note.",
    "Un tableau de suivi à jour et un compte rendu hebdomadaire.",
    "Les fichiers sources et une version prête à imprimer.",
]
APPLICATION_MESSAGES = [
    "Bonjour, je suis disponible dès la semaine prochaine ; je propose un point de cadrage de 30 minutes.",
    "J'ai déjà tenu l'agenda d'un cabinet pendant deux ans. Quelles sont vos plages d'ouverture ?",
    "Je peux livrer une première version sous huit jours, puis ajuster avec vous.",
]


def _scale_missions() -> models.QuerySet:
    return Mission.objects.filter(client__email__endswith=SCALE_EMAILS)


def _mission_worker_ids() -> list[int]:
    """The apprentices and compagnons among the scale members: who applies."""
    return sorted(set(_role_ids(Role.APPRENTICE)) | set(_role_ids(Role.COMPAGNON)))


def _competences_by_trade(competences: list[int]) -> dict[int, list[int]]:
    """trade → the compétences it typically calls for (all of them when the trade lists none)."""
    by_code = dict(Certification.objects.current().competences.values_list("code", "pk"))
    return {
        pk: [by_code[c] for c in codes if c in by_code] or competences
        for pk, codes in Trade.objects.values_list("pk", "competence_codes")
    }


def _new_mission(ctx: ScaleContext, client: int, status: str, trade: int | None, staff: list[int]) -> Mission:
    rng = ctx.rng
    hours = rng.choice((6, 10, 16, 20, 24, 30, 40, 60, 80, 120))
    if status == MS.PUBLISHED:
        published = _days_ago(ctx, 0, 60)
    elif status in (MS.DRAFT, MS.SUBMITTED):
        published = None
    elif status in (MS.ASSIGNED, MS.IN_PROGRESS, MS.DELIVERED):
        published = _days_ago(ctx, 20, 90)
    else:
        published = _days_ago(ctx, 60, 1_000)
    created = (published or _days_ago(ctx, 0, 90)) - timedelta(days=rng.randrange(2, 10))
    starts = timezone.localdate(published or created) + timedelta(days=rng.randrange(7, 30))
    place = rng.choices(Mission.Place.values, [70, 20, 10])[0]
    closed = None
    if status in ENDED and published:
        closed = min(ctx.now, published + timedelta(days=rng.randrange(20, 90)))
    return Mission(
        client_id=client,
        title=rng.choice(MISSION_TITLES),
        context=rng.choice(MISSION_CONTEXTS),
        deliverables=rng.choice(MISSION_DELIVERABLES),
        trade_id=trade,
        place=place,
        location="Lyon" if place == Mission.Place.ON_SITE else "",
        starts_on=starts,
        deadline=starts + timedelta(days=rng.randrange(7, 60)),
        budget_cents=hours * rng.randrange(25, 60) * 100,  # at or above the hourly floor (25 €)
        estimated_hours=hours,
        status=status,
        qualified_by_id=rng.choice(staff) if published else None,
        created_at=created,
        submitted_at=created + timedelta(days=1) if status != MS.DRAFT else None,
        published_at=published,
        closed_at=closed,
    )


@seeder("missions.missions", done=lambda ctx: _scale_missions().count() >= ctx.users // MISSION_SHARE)
def seed_missions(ctx: ScaleContext) -> int:
    """users / 2 missions from the clients: users / 20 published in the last 60 days, the others closed,
    cancelled, expired, drafts, in progress…; a trade and one to three of its compétences each."""
    rng = ctx.rng
    _certification, competences = current_competences()
    by_trade = _competences_by_trade(competences)
    trades = list(by_trade)
    clients = _role_ids(Role.CLIENT)
    staff = ctx.staff_ids()
    missing = ctx.users // MISSION_SHARE - _scale_missions().count()
    published = min(missing, max(0, ctx.users // OPEN_MISSION_SHARE - _scale_missions().published().count()))
    statuses = [MS.PUBLISHED] * published + rng.choices(*PAST_STATUSES, k=missing - published)
    rng.shuffle(statuses)

    def missions():
        for status in statuses:
            trade = rng.choice(trades)
            picked = rng.sample(by_trade[trade], min(len(by_trade[trade]), rng.choice((1, 2, 3))))
            yield _new_mission(ctx, rng.choice(clients), status, trade, staff), picked

    return _bulk_linked(ctx, Mission, missions())


def _application_counts(ctx: ScaleContext, missions: list[tuple], target: int) -> list[int]:
    """How many applications each mission gets, `target` in all: open ones 0–8, attributed ones 2–8 (then
    topped up), cancelled ones 0–4, the others none."""
    rng = ctx.rng
    counts = []
    for _pk, status, *_rest in missions:
        if status == MS.PUBLISHED:
            counts.append(rng.randint(0, 8))
        elif status in WORKED:
            counts.append(rng.randint(2, 8))
        else:
            counts.append(rng.randint(0, 4) if status == MS.CANCELLED else 0)
    worked = [i for i, m in enumerate(missions) if m[1] in WORKED] or [i for i, m in enumerate(missions) if m[1]]
    for i in rng.choices(worked, k=max(0, target - sum(counts))) if worked else []:
        counts[i] += 1
    excess = sum(counts) - target
    for i in sorted(worked, key=lambda _i: rng.random()):
        if excess <= 0:
            break
        cut = min(excess, counts[i] - 1)
        counts[i] -= cut
        excess -= cut
    return counts


@seeder(
    "missions.applications",
    done=lambda ctx: (
        Application.objects.filter(mission__client__email__endswith=SCALE_EMAILS).count()
        >= ctx.users * APPLICATIONS_PER_MEMBER
    ),
)
def seed_applications(ctx: ScaleContext) -> int:
    """users × 2 applications from apprentices and compagnons (one per member and mission): open ones on the
    published missions; on an attributed mission one chosen (Mission.chosen), the others not chosen or
    withdrawn; on a cancelled one, not chosen."""
    rng = ctx.rng
    workers = _mission_worker_ids()
    missions = list(
        _scale_missions()
        .filter(applications__isnull=True)
        .exclude(status__in=[MS.DRAFT, MS.SUBMITTED, MS.EXPIRED])
        .order_by("pk")
        .values_list("pk", "status", "client_id", "published_at")
    )
    have = Application.objects.filter(mission__client__email__endswith=SCALE_EMAILS).count()
    counts = _application_counts(ctx, missions, ctx.users * APPLICATIONS_PER_MEMBER - have)

    def applications():
        for (pk, status, client, published), count in zip(missions, counts, strict=True):
            applicants = [a for a in rng.sample(workers, count + 1) if a != client][:count]
            for n, applicant in enumerate(applicants):
                if status == MS.PUBLISHED:
                    state = rng.choices(*OPEN_APPLICATION_STATUSES)[0]
                elif status in WORKED:
                    state = AS.CHOSEN if n == 0 else AS.WITHDRAWN if rng.random() < 0.05 else AS.NOT_CHOSEN
                else:
                    state = AS.NOT_CHOSEN
                created = min(ctx.now, published + timedelta(seconds=rng.randrange(10 * 86_400)))
                yield Application(
                    mission_id=pk,
                    applicant_id=applicant,
                    message=rng.choice(APPLICATION_MESSAGES),
                    status=state,
                    review_requested=state == AS.DRAFT,
                    created_at=created,
                    sent_at=None if state == AS.DRAFT else created,
                )

    rows = ctx.bulk(Application, applications())
    chosen = Application.objects.filter(mission=OuterRef("pk"), status=AS.CHOSEN).values("pk")[:1]
    _scale_missions().filter(status__in=WORKED, chosen__isnull=True).update(chosen=Subquery(chosen))
    return rows


def _records_done(ctx: ScaleContext) -> bool:
    return Delivery.objects.filter(mission__client__email__endswith=SCALE_EMAILS).exists()


@seeder("missions.records", done=_records_done)
def seed_mission_records(ctx: ScaleContext) -> int:
    """What attributed missions leave behind: the chosen members' work status (declared); a delivery per
    delivered or closed mission (accepted, on time 85 %, after a request for changes 1 in 10); on 1 closed
    mission in RECORDS_SHARE, testimonials both ways and the client's attestation of each compétence (with
    the « client » assessment it feeds)."""
    rng = ctx.rng
    mission_type = ContentType.objects.get_for_model(Mission)
    worked = list(
        _scale_missions()
        .filter(status__in=[MS.DELIVERED, MS.CLOSED], chosen__isnull=False)
        .order_by("pk")
        .values_list("pk", "status", "client_id", "chosen__applicant_id", "closed_at", "published_at")
    )
    through = Mission.competences.through
    competences_of: dict[int, list[int]] = {}
    for mission, competence in through.objects.filter(mission__client__email__endswith=SCALE_EMAILS).values_list(
        "mission_id", "competence_id"
    ):
        competences_of.setdefault(mission, []).append(competence)
    chosen = set(
        Application.objects.filter(mission__client__email__endswith=SCALE_EMAILS, status=AS.CHOSEN).values_list(
            "applicant_id", flat=True
        )
    )
    chosen -= set(WorkerProfile.objects.values_list("member_id", flat=True))
    Legal = WorkerProfile.LegalStatus
    rows = ctx.bulk(
        WorkerProfile,
        (
            WorkerProfile(member_id=pk, legal_status=Legal.MICRO, siret=BENCH_SIRET)
            if rng.random() < 0.6
            else WorkerProfile(member_id=pk, legal_status=rng.choice((Legal.PORTAGE, Legal.CAE)), structure="Coopaname")
            for pk in sorted(chosen)
        ),
    )

    def deliveries():
        for pk, status, _client, worker, closed, published in worked:
            delivered = (closed or ctx.now) - timedelta(days=rng.randrange(2, 6))
            if status == MS.CLOSED and rng.random() < 0.1:
                yield Delivery(
                    mission_id=pk,
                    note="Première version.",
                    delivered_by_id=worker,
                    delivered_at=delivered - timedelta(days=7),
                    status=Delivery.Status.CHANGES,
                    answer="Il manque les relances de la dernière semaine.",
                    answered_at=delivered - timedelta(days=6),
                )
            accepted = rng.choice((Delivery.Status.ACCEPTED, Delivery.Status.ACCEPTED, Delivery.Status.AUTO_ACCEPTED))
            yield Delivery(
                mission_id=pk,
                note="Voici le travail, avec une courte note d'utilisation.",
                delivered_by_id=worker,
                delivered_at=max(delivered, published),
                status=accepted if status == MS.CLOSED else Delivery.Status.SUBMITTED,
                answered_at=closed,
                on_time=rng.random() < 0.85,
            )

    rows += ctx.bulk(Delivery, deliveries())
    recorded = [m for m in worked if m[1] == MS.CLOSED and rng.randrange(RECORDS_SHARE) == 0]

    def testimonials():
        for pk, _status, client, worker, closed, _published in recorded:
            yield Testimonial(
                mission_id=pk,
                author_id=client,
                about_id=worker,
                text="Travail soigné, rendu à temps.",
                created_at=closed,
            )
            yield Testimonial(
                mission_id=pk,
                author_id=worker,
                about_id=client,
                text="Consignes claires, paiement rapide.",
                created_at=closed,
            )

    rows += ctx.bulk(Testimonial, testimonials())
    levels = {
        Attestation.Result.YES: Level.ACQUIRED,
        Attestation.Result.PARTLY: Level.IN_PROGRESS,
        Attestation.Result.NO: Level.NOT_ACQUIRED,
    }
    results = (list(levels), [70, 25, 5])
    attestations, assessments = [], []
    for pk, _status, client, worker, closed, _published in recorded:
        for competence in competences_of.get(pk, []):
            result = rng.choices(*results)[0]
            attestations.append(
                Attestation(mission_id=pk, member_id=worker, competence_id=competence, result=result, created_at=closed)
            )
            assessments.append(
                Assessment(
                    member_id=worker,
                    competence_id=competence,
                    level=levels[result],
                    source=Source.CLIENT,
                    assessor_id=client,
                    evidence_type=mission_type,
                    evidence_id=pk,
                    assessed_at=closed,
                )
            )
    return rows + ctx.bulk(Attestation, attestations) + ctx.bulk(Assessment, assessments)


def _bench_missions_done(ctx: ScaleContext) -> bool:
    posted = Mission.objects.filter(client__email=BENCH_CLIENT, status=MS.PUBLISHED).exists()
    return posted and WorkerProfile.objects.filter(member__email=BENCH_COMPAGNON).exists()


def _bench_mission(ctx: ScaleContext, client: User, status: str, trade: Trade | None, competences: list[int]):
    mission = _new_mission(ctx, client.pk, status, trade.pk if trade else None, ctx.staff_ids())
    mission.title = BENCH_MISSION_TITLE if status == MS.PUBLISHED else mission.title
    if status == MS.PUBLISHED:
        mission.published_at = ctx.now - timedelta(days=1)
        mission.created_at = mission.submitted_at = ctx.now - timedelta(days=3)
    mission.save()
    mission.competences.set(competences)
    return mission


@seeder("missions.bench_missions", done=_bench_missions_done)
def seed_bench_missions(ctx: ScaleContext) -> int:
    """bench-client's missions: one published (the `mission` of the bench paths) with
    BENCH_MISSION_APPLICATIONS applications from members who have a record; one closed and one in progress,
    both done by bench-compagnon; a draft. bench-compagnon: declared (micro-entreprise), « acquis » or better
    on a dozen compétences (formateur and client sources), two open applications elsewhere."""
    rng = ctx.rng
    client = User.objects.get(email=BENCH_CLIENT)
    compagnon = User.objects.get(email=BENCH_COMPAGNON)
    formateur = User.objects.get(email=BENCH_FORMATEUR)
    _certification, competences = current_competences()
    trade = Trade.objects.filter(label__iexact=compagnon.trade).first()
    typical = _competences_by_trade(competences).get(trade.pk, competences) if trade else competences
    rows = 0

    WorkerProfile.objects.update_or_create(member=compagnon, defaults={"legal_status": "micro", "siret": BENCH_SIRET})
    known = list(dict.fromkeys([*typical, *competences]))[:12]
    rows += 1 + ctx.bulk(
        Assessment,
        (
            Assessment(
                member=compagnon,
                competence_id=competence,
                level=rng.choice((Level.ACQUIRED, Level.MASTERED)),
                source=Source.STAFF,
                assessor=formateur,
                assessed_at=_days_ago(ctx, 30, 300),
            )
            for competence in known
        ),
    )

    published = _bench_mission(ctx, client, MS.PUBLISHED, trade, typical[:3])
    with_record = list(
        Testimonial.objects.filter(about__email__endswith=SCALE_EMAILS, about__role_grants__role__in=[Role.COMPAGNON])
        .order_by("about_id")
        .values_list("about_id", flat=True)
        .distinct()[: BENCH_MISSION_APPLICATIONS * 5]
    )
    applicants = rng.sample(with_record, min(BENCH_MISSION_APPLICATIONS, len(with_record)))
    rows += 1 + ctx.bulk(
        Application,
        (
            Application(
                mission=published,
                applicant_id=applicant,
                message=rng.choice(APPLICATION_MESSAGES),
                status=AS.SHORTLISTED if n < 5 else AS.SENT,
                created_at=ctx.now - timedelta(hours=n + 1),
                sent_at=ctx.now - timedelta(hours=n + 1),
            )
            for n, applicant in enumerate(applicants)
        ),
    )

    for status in (MS.CLOSED, MS.IN_PROGRESS):
        mission = _bench_mission(ctx, client, status, trade, typical[:2])
        chosen = Application.objects.create(
            mission=mission,
            applicant=compagnon,
            message=APPLICATION_MESSAGES[0],
            status=AS.CHOSEN,
            created_at=mission.published_at + timedelta(days=1),
            sent_at=mission.published_at + timedelta(days=1),
        )
        mission.chosen = chosen
        mission.invoiced_by = compagnon
        mission.save(update_fields=["chosen", "invoiced_by"])
        rows += 2
    _bench_mission(ctx, client, MS.DRAFT, trade, typical[:1])
    rows += 1

    elsewhere = list(
        _scale_missions().published().exclude(applications__applicant=compagnon).order_by("-published_at")[:30]
    )
    rows += ctx.bulk(
        Application,
        (
            Application(mission=m, applicant=compagnon, message=APPLICATION_MESSAGES[2], sent_at=ctx.now)
            for m in rng.sample(elsewhere, min(2, len(elsewhere)))
        ),
    )
    return rows


# --- ledger ------------------------------------------------------------------------------------

# Shares of `ctx.users`; at 100,000 members: 1,000,000 transactions of two movements each (2,000,000 movements).
LEDGER_TRANSACTIONS_PER_USER = 10
LEDGER_DAYS = 2 * 365
LEDGER_BATCH = 50_000  # rows per executemany
LEDGER_SQLITE_CACHE_KIB = 1_048_576  # 1 GiB of SQLite page cache while the ledger is inserted
LK = Transaction.Kind
LS = Transaction.State
# What the transactions are, beyond the welcome grants, the sessions and the missions that back one: (kinds, weights).
LEDGER_KINDS = (
    [LK.MENTORING, LK.COACHING, LK.COMMUNITY, LK.REVIEW, LK.MISSION, LK.LEAD, LK.ADJUSTMENT],
    [62, 15, 6, 6, 8, 2, 1],
)
DECLARED_STATES = ([LS.CONFIRMED, LS.PENDING, LS.DECLINED], [84, 12, 4])  # coaching and community help
LEDGER_REVERSAL_SHARE = 500  # 1 confirmed coaching entry in 500 is corrected by a reversal
LEDGER_NOTES = {
    LK.COACHING: "Préparation d'un entretien client.",
    LK.COMMUNITY: "Relecture d'une fiche de présentation.",
    LK.ADJUSTMENT: "Séance oubliée, déclarée par téléphone.",
    LK.REVERSAL: "Déclarée deux fois.",
}


def _ledger_movements_done(ctx: ScaleContext) -> bool:
    return Movement.objects.count() >= 2 * ctx.users * LEDGER_TRANSACTIONS_PER_USER


def _ledger_accounts(ctx: ScaleContext) -> tuple[int, dict[int, int], list[int]]:
    """The commons account, and one account per active apprentice or compagnon (the ones missing are opened).
    Returns (commons, owner → account, new owners: they get their welcome grant)."""
    commons, _created = Account.objects.get_or_create(kind=Account.Kind.COMMONS, defaults={"owner": None})
    members = set(
        RoleGrant.objects.filter(role__in=[Role.APPRENTICE, Role.COMPAGNON], user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    existing = set(Account.objects.filter(owner__isnull=False).values_list("owner_id", flat=True))
    new = sorted(members - existing)
    ctx.bulk(Account, (Account(kind=Account.Kind.MEMBER, owner_id=pk) for pk in new))
    accounts = dict(Account.objects.filter(owner_id__in=members).values_list("owner_id", "pk"))
    return commons.pk, accounts, new


class _LedgerWriter:
    """Raw multi-row inserts (`executemany`) of transactions with explicit ids and their two movements: the ORM
    would take several minutes for two million rows on SQLite."""

    TX_FIELDS = (
        "id",
        "kind",
        "state",
        "beneficiary",
        "confirmer",
        "evidence_type",
        "evidence_id",
        "idempotency_key",
        "reverses",
        "note",
        "operator",
        "created_at",
        "confirmed_at",
    )

    def __init__(self, ctx: ScaleContext, cursor):
        self.ctx, self.cursor = ctx, cursor
        self.next_id = (Transaction.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        self.first_id = self.next_id
        self.transactions: list[tuple] = []
        self.movements: list[tuple] = []
        self.count = 0
        qn = connection.ops.quote_name
        tx_columns = [Transaction._meta.get_field(f).column for f in self.TX_FIELDS]
        self.tx_sql = (
            f"INSERT INTO {qn(Transaction._meta.db_table)} ({', '.join(map(qn, tx_columns))}) "
            f"VALUES ({', '.join(['%s'] * len(tx_columns))})"
        )
        mv_columns = [Movement._meta.get_field(f).column for f in ("transaction", "account", "minutes", "created_at")]
        self.mv_sql = (
            f"INSERT INTO {qn(Movement._meta.db_table)} ({', '.join(map(qn, mv_columns))}) VALUES (%s, %s, %s, %s)"
        )
        self.adapt = connection.ops.adapt_datetimefield_value

    def add(
        self,
        kind: str,
        source: int,
        target: int,
        minutes: int,
        key: str,
        at: datetime,
        *,
        state: str = LS.CONFIRMED,
        beneficiary: int | None = None,
        confirmer: int | None = None,
        evidence: tuple[int, int] | None = None,
        reverses: int | None = None,
        operator: int | None = None,
    ) -> int:
        """One transaction: `minutes` from the `source` account to the `target` one. Returns its id."""
        pk = self.next_id
        self.next_id += 1
        created = self.adapt(at)
        confirmed = self.adapt(at + timedelta(hours=self.ctx.rng.randrange(1, 72))) if state != LS.PENDING else None
        if state == LS.DECLINED:
            confirmed = None
        evidence_type, evidence_id = evidence or (None, None)
        self.transactions.append(
            (
                pk,
                kind,
                state,
                beneficiary,
                confirmer,
                evidence_type,
                evidence_id,
                key,
                reverses,
                LEDGER_NOTES.get(kind, ""),
                operator,
                created,
                confirmed,
            )
        )
        self.movements.append((pk, source, -minutes, created))
        self.movements.append((pk, target, minutes, created))
        if len(self.transactions) >= LEDGER_BATCH:
            self.flush()
        return pk

    def flush(self) -> None:
        if self.transactions:
            self.cursor.executemany(self.tx_sql, self.transactions)
            self.cursor.executemany(self.mv_sql, self.movements)
            self.count += len(self.transactions) + len(self.movements)
            self.ctx.log(f"  ledger: {self.next_id - self.first_id} transactions")
        self.transactions, self.movements = [], []

    def mark_reversed(self, pks: list[int]) -> None:
        """The originals of the reversals (they are inserted `confirmed`, then corrected)."""
        self.flush()
        for batch in batched(pks, 500):
            Transaction.objects.filter(pk__in=batch).update(state=LS.REVERSED)


def _refresh_cached_balances() -> None:
    """Every account's cached balance = the sum of its counted movements, in one UPDATE … FROM (the same SQL on
    SQLite ≥ 3.33 and PostgreSQL)."""
    qn = connection.ops.quote_name
    account, movement, tx = Account._meta.db_table, Movement._meta.db_table, Transaction._meta.db_table
    counted = ", ".join(["%s"] * len(Transaction.COUNTED))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(account)} SET cached_balance = totals.total FROM ("
            f" SELECT m.account_id AS account_id, SUM(m.minutes) AS total FROM {qn(movement)} m"
            f" INNER JOIN {qn(tx)} t ON t.id = m.transaction_id WHERE t.state IN ({counted})"
            f" GROUP BY m.account_id) AS totals WHERE {qn(account)}.id = totals.account_id",
            [str(s) for s in Transaction.COUNTED],
        )
    if connection.vendor == "postgresql":  # the transactions were inserted with explicit ids
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Transaction]):
                cursor.execute(sql)


@seeder("ledger.contributions", done=_ledger_movements_done)
def seed_ledger(ctx: ScaleContext) -> int:
    """users × 10 transactions of two movements: a welcome grant per account (commons → member); a mentoring
    credit per confirmed session (apprentice → mentor, the session as evidence), and many more from earlier
    mentorships (no evidence); coaching and community help (pending 12 %, declined 4 %, a few reversed);
    reviews, leads, staff adjustments; a mission commitment (member → commons) per mission attributed to a
    compagnon (the mission as evidence) and more without. bench-apprenti and bench-compagnon get a few hundred
    entries each. Then every cached balance is recomputed from the counted movements."""
    rng = ctx.rng
    commons, account_of, new_owners = _ledger_accounts(ctx)
    rows = len(new_owners)
    apprentices = sorted(set(_role_ids(Role.APPRENTICE)) & set(account_of))
    compagnons = sorted(set(_role_ids(Role.COMPAGNON)) & set(account_of))
    members = sorted(set(apprentices) | set(compagnons))
    staff = ctx.staff_ids()
    apprentice_bench = User.objects.get(email=BENCH_APPRENTICE).pk
    compagnon_bench = User.objects.get(email=BENCH_COMPAGNON).pk
    session_type = ContentType.objects.get_for_model(MentoringSession).pk
    mission_type = ContentType.objects.get_for_model(Mission).pk
    backed = Transaction.objects.filter(evidence_id__isnull=False)
    used_sessions = set(backed.filter(evidence_type_id=session_type).values_list("evidence_id", flat=True))
    used_missions = set(backed.filter(evidence_type_id=mission_type).values_list("evidence_id", flat=True))
    sessions = [
        s
        for s in MentoringSession.objects.filter(status=MentoringSession.Status.CONFIRMED)
        .order_by("pk")
        .values_list("pk", "apprentice_id", "mentor_id", "duration_minutes", "confirmed_at")
        if s[0] not in used_sessions and s[1] in account_of and s[2] in account_of
    ]
    exempt = set(apprentices)
    won = [
        m
        for m in Mission.objects.filter(chosen__isnull=False)
        .order_by("pk")
        .values_list("pk", "chosen__applicant_id", "published_at")
        if m[0] not in used_missions and m[1] in account_of and m[1] not in exempt
    ]
    pairs = list(Mentorship.objects.values_list("apprentice_id", "mentor_id"))
    pairs = [p for p in pairs if p[0] in account_of and p[1] in account_of]
    target = ctx.users * LEDGER_TRANSACTIONS_PER_USER

    def past() -> datetime:
        return ctx.past(LEDGER_DAYS)

    def declared(w: _LedgerWriter, kind: str, giver: int, receiver: int, key: str, reversals: list) -> None:
        state = rng.choices(*DECLARED_STATES)[0]
        minutes = rng.choice((15, 30, 30, 45, 60, 90))
        at = past()
        pk = w.add(
            kind,
            account_of[receiver],
            account_of[giver],
            minutes,
            key,
            at,
            state=state,
            beneficiary=giver,
            confirmer=receiver,
        )
        if state == LS.CONFIRMED and rng.randrange(LEDGER_REVERSAL_SHARE) == 0:
            reversals.append(pk)
            w.add(
                LK.REVERSAL,
                account_of[giver],
                account_of[receiver],
                minutes,
                f"reversal:{pk}",
                at + timedelta(days=rng.randrange(1, 10)),
                beneficiary=giver,
                reverses=pk,
                operator=rng.choice(staff),
            )

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # keep the indexes being filled in memory (the default cache is 2 MB)
            cursor.execute(f"PRAGMA cache_size = -{LEDGER_SQLITE_CACHE_KIB}")
        w = _LedgerWriter(ctx, cursor)
        reversals: list[int] = []
        joined = dict(User.objects.filter(pk__in=new_owners).values_list("pk", "date_joined"))
        for owner in new_owners:
            at = max(joined[owner], ctx.now - timedelta(days=LEDGER_DAYS))
            w.add(LK.WELCOME, commons, account_of[owner], 60, f"welcome:{owner}", at, beneficiary=owner)
        for pk, apprentice, mentor, minutes, confirmed in sessions:
            w.add(
                LK.MENTORING,
                account_of[apprentice],
                account_of[mentor],
                minutes,
                f"mentoring:{pk}",
                confirmed or past(),
                beneficiary=mentor,
                confirmer=apprentice,
                evidence=(session_type, pk),
            )
        for pk, member, published in won:
            w.add(
                LK.MISSION,
                account_of[member],
                commons,
                60,
                f"mission:{pk}:{member}",
                (published or past()) + timedelta(days=rng.randrange(1, 20)),
                beneficiary=member,
                evidence=(mission_type, pk),
            )

        # bench-apprenti and bench-compagnon: a few hundred entries each (bench-compagnon mentors bench-apprenti).
        for n in range(200):
            w.add(
                LK.MENTORING,
                account_of[apprentice_bench],
                account_of[compagnon_bench],
                rng.choice((45, 60, 90)),
                f"scale:bench-mentoring:{n}",
                past(),
                beneficiary=compagnon_bench,
                confirmer=apprentice_bench,
            )
        for n in range(150):
            apprentice = rng.choice(apprentices)
            w.add(
                LK.MENTORING,
                account_of[apprentice],
                account_of[compagnon_bench],
                rng.choice((45, 60, 90)),
                f"scale:bench-mentored:{n}",
                past(),
                beneficiary=compagnon_bench,
                confirmer=apprentice,
            )
        for n in range(30):
            w.add(
                LK.MISSION,
                account_of[compagnon_bench],
                commons,
                60,
                f"scale:bench-mission:{n}",
                past(),
                beneficiary=compagnon_bench,
            )
        for n in range(40):
            kind = LK.COACHING if n % 2 else LK.COMMUNITY
            declared(w, kind, compagnon_bench, rng.choice(members), f"scale:bench-given:{n}", reversals)
            declared(w, kind, apprentice_bench, rng.choice(apprentices), f"scale:bench-helped:{n}", reversals)
        for n in range(12):  # waiting for bench-apprenti's, then bench-compagnon's, confirmation
            for giver, receiver in ((compagnon_bench, apprentice_bench), (rng.choice(compagnons), compagnon_bench)):
                w.add(
                    LK.COACHING,
                    account_of[receiver],
                    account_of[giver],
                    30,
                    f"scale:bench-pending:{receiver}:{n}",
                    ctx.now - timedelta(days=n),
                    state=LS.PENDING,
                    beneficiary=giver,
                    confirmer=receiver,
                )

        remaining = target - (w.next_id - w.first_id)
        kinds = rng.choices(*LEDGER_KINDS, k=max(0, remaining))
        for n, kind in enumerate(kinds):
            key = f"scale:{kind}:{n}"
            if kind == LK.MENTORING:
                if pairs and rng.random() < 0.3:  # a mentorship on record, or an earlier one
                    apprentice, mentor = rng.choice(pairs)
                else:
                    apprentice, mentor = rng.choice(apprentices), rng.choice(compagnons)
                w.add(
                    kind,
                    account_of[apprentice],
                    account_of[mentor],
                    rng.choice((30, 45, 60, 60, 90, 120)),
                    key,
                    past(),
                    beneficiary=mentor,
                    confirmer=apprentice,
                )
            elif kind in (LK.COACHING, LK.COMMUNITY):
                giver = rng.choice(compagnons) if rng.random() < 0.8 else rng.choice(members)
                receiver = rng.choice(members)
                while receiver == giver:
                    receiver = rng.choice(members)
                declared(w, kind, giver, receiver, key, reversals)
            elif kind == LK.REVIEW:
                reviewer, reviewed = rng.choice(compagnons), rng.choice(apprentices)
                w.add(kind, account_of[reviewed], account_of[reviewer], 30, key, past(), beneficiary=reviewer)
            elif kind == LK.MISSION:
                member = rng.choice(compagnons)
                w.add(kind, account_of[member], commons, 60, key, past(), beneficiary=member)
            elif kind == LK.LEAD:
                member = rng.choice(members)
                w.add(kind, commons, account_of[member], 60, key, past(), beneficiary=member)
            else:  # a staff adjustment, either way
                member = rng.choice(members)
                source, target_account = (commons, account_of[member])
                if rng.random() < 0.3:
                    source, target_account = target_account, source
                w.add(
                    kind,
                    source,
                    target_account,
                    rng.choice((30, 60, 120)),
                    key,
                    past(),
                    beneficiary=member,
                    operator=rng.choice(staff),
                )
        w.mark_reversed(reversals)
    _refresh_cached_balances()
    return rows + w.count


# --- showcase ----------------------------------------------------------------------------------

# A share of `ctx.users`: at 100,000 members, 20,000 published mini-sites (apprentices and compagnons).
PROFILE_SHARE = 5
SERVICES_PER_PROFILE = (1, 3)
HOURLY_RATES = range(2_500, 6_001, 250)  # cents; never under the fair-rate floor (MISSION_HOURLY_FLOOR_CENTS)
SU = Service.Unit
SHOWCASE_HEADLINES = [
    "Je tiens l'agenda et le standard des petits cabinets, à distance",
    "Votre comptabilité courante saisie et rapprochée chaque semaine",
    "Des sites web simples, rapides et accessibles pour les artisans",
    "Logos, affiches et flyers pour les associations et commerces de quartier",
    "Des textes clairs pour votre site, votre newsletter et vos fiches produits",
    "Traduction anglais-français soignée, relue par une seconde paire d'yeux",
    "J'anime vos réseaux sociaux avec un calendrier que vous validez",
    "Dépannage informatique et mise en place de vos outils, pas à pas",
    "Bulletins de paie et déclarations sociales pour les TPE",
    "Transcription fidèle de vos entretiens, réunions et podcasts",
    "Illustrations sur mesure pour l'édition jeunesse et la communication",
    "Montage vidéo pour vos réseaux, formations et témoignages clients",
    "Saisie et nettoyage de vos fichiers clients, sans erreur",
    "Accueil téléphonique et suivi client pour les indépendants",
    "Référencement naturel : un audit lisible et un plan d'action concret",
]
SHOWCASE_AUDIENCES = [
    "Les indépendants et les TPE qui n'ont pas le temps de tout faire eux-mêmes.",
    "Les associations, les artisans et les commerces de proximité.",
    "Les professions libérales (santé, droit, conseil) qui veulent se concentrer sur leur métier.",
]
SHOWCASE_WAYS = [
    "Un premier appel de trente minutes pour comprendre votre besoin, puis un devis écrit. Je livre par étapes.",
    "Je travaille à distance, avec un point hebdomadaire. Mon compagnon relit mes livrables importants.",
    "Des délais annoncés et tenus ; si je ne peux pas, je vous le dis tout de suite.",
]
SHOWCASE_AVAILABILITY = ["Disponible dès maintenant", "Deux jours par semaine", "À partir du mois prochain", ""]
SHOWCASE_SERVICES = [
    "Gestion d'agenda",
    "Permanence téléphonique",
    "Saisie comptable",
    "Site vitrine",
    "Identité visuelle",
    "Article de blog",
    "Traduction d'un document",
    "Animation des réseaux sociaux",
    "Assistance informatique",
    "Bulletins de paie",
    "Transcription d'un entretien",
    "Montage d'une vidéo courte",
    "Audit SEO",
]


def _scale_profiles() -> models.QuerySet:
    return Profile.objects.filter(member__email__endswith=SCALE_EMAILS, published=True)


def _showcase_done(ctx: ScaleContext) -> bool:
    bench = Profile.objects.filter(member__email=BENCH_COMPAGNON, slug=BENCH_PROFILE_SLUG, published=True)
    return bench.exists() and _scale_profiles().count() >= ctx.users // PROFILE_SHARE


def _services_of(ctx: ScaleContext, profile: Profile, count: int | None = None) -> list[Service]:
    """1-3 services at fair prices: at least MISSION_HOURLY_FLOOR_CENTS per hour of work, whatever the unit."""
    rng = ctx.rng
    rows = []
    for title in rng.sample(SHOWCASE_SERVICES, count or rng.randint(*SERVICES_PER_PROFILE)):
        rate = rng.choice(HOURLY_RATES)
        unit = rng.choices((SU.HOUR, SU.DAY, SU.FIXED), (5, 2, 3))[0]
        hours = rng.choice((2, 3, 5, 8, 12, 20, 35)) if unit == SU.FIXED else None
        price = rate * {SU.HOUR: 1, SU.DAY: 7}.get(unit, hours)
        if unit == SU.FIXED:
            price = -(-price // 1_000) * 1_000  # rounded up to the next 10 euros
        problem = service_problem(price, unit, hours)
        assert problem is None, f"unfair bench price {price} {unit} {hours}: {problem}"
        rows.append(Service(profile=profile, title=title, price_cents=price, unit=unit, hours=hours))
    return rows


def _new_profile(ctx: ScaleContext, member: int, slug: str, joined: datetime) -> Profile:
    rng = ctx.rng
    published = max(joined, ctx.now - timedelta(days=730)) + timedelta(days=rng.randrange(1, 60))
    return Profile(
        member_id=member,
        slug=slug,
        headline=rng.choice(SHOWCASE_HEADLINES),
        audience=rng.choice(SHOWCASE_AUDIENCES),
        how_i_work=rng.choice(SHOWCASE_WAYS),
        availability_note=rng.choice(SHOWCASE_AVAILABILITY),
        regions=rng.choice(("À distance, partout en France", "Ma région et à distance", "")),
        theme=rng.choice(Theme.values),
        step=5,
        published=True,
        published_at=min(published, ctx.now),
    )


@seeder("showcase.profiles", done=_showcase_done)
def seed_showcase_profiles(ctx: ScaleContext) -> int:
    """users / PROFILE_SHARE published mini-sites (slug `membre-<member pk>`) for apprentices and compagnons,
    each with 1-3 services at fair prices; bench-compagnon's, published at `/c/bench-compagnon/`."""
    rng = ctx.rng
    compagnon = User.objects.get(email=BENCH_COMPAGNON)
    rows = 0
    looks = _new_profile(ctx, compagnon.pk, BENCH_PROFILE_SLUG, compagnon.date_joined)
    bench, _created = Profile.objects.update_or_create(
        member=compagnon,
        defaults={
            "slug": BENCH_PROFILE_SLUG,
            "headline": SHOWCASE_HEADLINES[0],  # bench-compagnon does Télésecrétariat
            "audience": SHOWCASE_AUDIENCES[2],
            "how_i_work": SHOWCASE_WAYS[1],
            "availability_note": SHOWCASE_AVAILABILITY[1],
            "regions": "Occitanie et à distance",
            "theme": looks.theme,
            "step": 5,
            "published": True,
            "published_at": ctx.now - timedelta(days=30),
        },
    )
    if not bench.services.exists():
        rows += 1 + ctx.bulk(Service, _services_of(ctx, bench, count=3))

    have = set(Profile.objects.values_list("member_id", flat=True))
    members = sorted((set(_role_ids(Role.APPRENTICE)) | set(_role_ids(Role.COMPAGNON))) - have)
    missing = ctx.users // PROFILE_SHARE - _scale_profiles().count()
    chosen = sorted(rng.sample(members, max(0, min(missing, len(members)))))
    for n, batch in enumerate(batched(chosen, ctx.batch_size), start=1):
        joined = dict(User.objects.filter(pk__in=batch).values_list("pk", "date_joined"))
        profiles = Profile.objects.bulk_create([_new_profile(ctx, pk, f"membre-{pk}", joined[pk]) for pk in batch])
        assert all(p.pk for p in profiles), "bulk_create must return primary keys (SQLite ≥ 3.35 or PostgreSQL)"
        rows += len(profiles) + ctx.bulk(Service, (s for p in profiles for s in _services_of(ctx, p)))
        ctx.log(f"  showcase: {min(n * ctx.batch_size, len(chosen))}/{len(chosen)} profiles")
    return rows


# --- Outcomes: 1,000 past cohorts, 100,000 enrollments ended, their exits and 300,000 answers ------------------

PAST_COHORT_PREFIX = "Promotion passée"
PAST_COHORTS = 1_000
PAST_COHORT_SIZE = 100
ANSWERED_TARGET = 300_000


def _outcomes_done(ctx: ScaleContext) -> bool:
    return Cohort.objects.filter(name__startswith=PAST_COHORT_PREFIX).exists()


@seeder("outcomes.past_cohorts", done=_outcomes_done)
def seed_outcomes(ctx: ScaleContext) -> int:
    """PAST_COHORTS cohorts that ended 1 to 5 years ago, PAST_COHORT_SIZE members each (every scale member once):
    70 % certified, 10 % completed, 20 % dropped out; one exit each and four surveys (exit, 6, 12, 24 months), of
    which ANSWERED_TARGET are answered (neutralised situations and non-respondents included)."""
    from compagnons.apprenticeship.models import DropCause, Stage
    from compagnons.outcomes.models import BankShare, Exit, FollowUp, Income, Situation

    rng = ctx.rng
    certification, _competences = current_competences()
    staff = ctx.staff_ids()
    members = ctx.user_ids()
    rng.shuffle(members)
    today = timezone.localdate(ctx.now)
    cohorts = Cohort.objects.bulk_create(
        [
            Cohort(
                name=f"{PAST_COHORT_PREFIX} {n + 1:04d}",
                certification=certification,
                starts_on=(ends := today - timedelta(days=rng.randrange(365, 5 * 365))) - timedelta(days=300),
                ends_on=ends,
                formateur_id=rng.choice(staff),
                funding=rng.choice(Funding.values),
                capacity=PAST_COHORT_SIZE,
                open_for_requests=False,
            )
            for n in range(PAST_COHORTS)
        ]
    )
    S = Enrollment.Status
    situations = [Situation.INDEPENDENT] * 5 + [Situation.EMPLOYED, Situation.BOTH, Situation.SEEKING] * 1
    situations += [Situation.SEEKING, Situation.TRAINING, Situation.UNABLE, Situation.ABROAD, Situation.INACTIVE]
    total_surveys = min(len(members), PAST_COHORTS * PAST_COHORT_SIZE) * 4
    answer_share = min(1.0, ANSWERED_TARGET / max(1, total_surveys))
    rows = len(cohorts)
    groups = list(batched(members[: PAST_COHORTS * PAST_COHORT_SIZE], PAST_COHORT_SIZE))
    for chunk_start in range(0, len(groups), 50):
        enrollments, kinds = [], []
        chunk = zip(cohorts[chunk_start : chunk_start + 50], groups[chunk_start : chunk_start + 50], strict=True)
        for cohort, group in chunk:
            ended = timezone.make_aware(datetime.combine(cohort.ends_on, datetime.min.time()))
            for member in group:
                roll = rng.random()
                status = S.CERTIFIED if roll < 0.7 else S.COMPLETED if roll < 0.8 else S.DROPPED_OUT
                end = ended if status != S.DROPPED_OUT else ended - timedelta(days=rng.randrange(30, 250))
                enrollments.append(
                    Enrollment(
                        cohort=cohort,
                        member_id=member,
                        stage=Stage.COMPAGNON if status == S.CERTIFIED else Stage.APPRENTICE,
                        status=status,
                        drop_reason="Raison notée par l'équipe." if status == S.DROPPED_OUT else "",
                        drop_cause=rng.choice(DropCause.values) if status == S.DROPPED_OUT else "",
                        requested_at=end - timedelta(days=330),
                        enrolled_at=end - timedelta(days=300),
                        ended_at=end,
                        stage_changed_at=end,
                        last_activity_at=end,
                    )
                )
                kinds.append(status)
        enrollments = Enrollment.objects.bulk_create(enrollments, batch_size=ctx.batch_size)
        exits = Exit.objects.bulk_create(
            [
                Exit(
                    member_id=e.member_id,
                    certification=certification,
                    cohort_id=e.cohort_id,
                    enrollment=e,
                    kind=status,
                    exited_on=timezone.localdate(e.ended_at),
                )
                for e, status in zip(enrollments, kinds, strict=True)
            ],
            batch_size=ctx.batch_size,
        )

        def surveys(exits=exits):
            for exit_ in exits:
                for wave in FollowUp.Wave.values:
                    due = FollowUp.due_date(exit_.exited_on, wave)
                    survey = FollowUp(exit=exit_, wave=wave, due_on=due)
                    if due <= today:
                        sent = timezone.make_aware(datetime.combine(due, datetime.min.time()))
                        survey.sent_at = survey.last_sent_at = sent
                        if rng.random() < answer_share / 0.9:
                            situation = rng.choice(situations)
                            working = situation in (Situation.INDEPENDENT, Situation.EMPLOYED, Situation.BOTH)
                            survey.answered_at = sent + timedelta(days=rng.randrange(1, 20))
                            survey.channel = FollowUp.Channel.LINK
                            survey.situation = situation
                            survey.in_target_trade = (rng.random() < 0.75) if working else None
                            survey.income = rng.choice(Income.values) if working else Income.NONE
                            survey.clients_count = rng.randrange(0, 12) if working else 0
                            survey.missions_count = rng.randrange(0, 30) if working else 0
                            survey.bank_share = rng.choice(BankShare.values)
                        else:
                            survey.reminders_sent = 2
                    yield survey

        rows += len(enrollments) + len(exits) + ctx.bulk(FollowUp, surveys())
        ctx.log(f"  outcomes: {min(chunk_start + 50, len(groups))}/{len(groups)} past cohorts")
    return rows


def bench_ids() -> dict[str, int | str | None]:
    """The keys in the paths of the bench pages (bench/run.py gets them from `seed_scale --ids`):
    bench-apprenti, bench-compagnon, bench-apprenti's latest reviewed bilan, their cohort, bench-client's
    published mission, the slug of bench-compagnon's published mini-site."""
    apprentice = User.objects.get(email=BENCH_APPRENTICE)
    reviewed = Positioning.objects.filter(member=apprentice, status=Positioning.Status.REVIEWED)
    return {
        "apprentice": apprentice.pk,
        "compagnon": User.objects.get(email=BENCH_COMPAGNON).pk,
        "positioning": reviewed.order_by("-started_at").values_list("pk", flat=True).first(),
        "cohort": Enrollment.objects.active().filter(member=apprentice).values_list("cohort_id", flat=True).first(),
        "mission": Mission.objects.filter(client__email=BENCH_CLIENT, status=MS.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first(),
        "profile": Profile.objects.published()
        .filter(member__email=BENCH_COMPAGNON)
        .values_list("slug", flat=True)
        .first(),
    }
