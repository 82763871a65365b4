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
from itertools import batched

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from bench import BENCH_APPRENTICE, BENCH_FORMATEUR, BENCH_PASSWORD, DEFAULT_AUDIT_PER_USER, DEFAULT_USERS
from compagnons.accounts.models import (
    Availability,
    CharterAcceptance,
    CharterVersion,
    Region,
    Role,
    RoleGrant,
    User,
)
from compagnons.core.models import AuditLog

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


def _bench_accounts_exist(ctx: ScaleContext) -> bool:
    return User.objects.filter(email__in=[BENCH_APPRENTICE, BENCH_FORMATEUR]).count() == 2


def _scale_user_count() -> int:
    return User.objects.filter(email__endswith=f"@{SCALE_EMAIL_DOMAIN}").count()


@seeder("accounts.bench_accounts", done=_bench_accounts_exist)
def seed_bench_accounts(ctx: ScaleContext) -> int:
    """The accounts `make bench` logs in with (password BENCH_PASSWORD)."""
    charter = CharterVersion.objects.current()
    people = [
        (BENCH_APPRENTICE, "Léa", "Banc", Role.APPRENTICE, False),
        (BENCH_FORMATEUR, "Claire", "Banc", Role.STAFF, True),
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
