"""The registry of the scale data set: the context every seeder gets, `@seeder`, the order they run in, and the
helpers several app modules share (batched inserts, the scale members by role, dates in the past)."""

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from itertools import batched

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from bench import BENCH_PASSWORD, DEFAULT_AUDIT_PER_USER, DEFAULT_USERS
from compagnons.accounts.models import RoleGrant, User

# The app modules of bench/scale/, in the order their seeders run: the apps' layers (docs/architecture.md), with
# two seeders after the apps whose activity they record, as the apps themselves do through a lower layer's
# services: the audit log (core) after the members it is about; the ledger after the sessions and missions its
# credits point to. Within a module, seeders run in the order they are written.
ORDER = (
    "accounts",
    "core",
    "skills",
    "apprenticeship",
    "missions",
    "coaching",
    "community",
    "ledger",
    "certification",
    "funding_plans",
    "showcase",
    "learning",
    "outcomes",
    "quality",
    "funding_invoices",
)
RNG_SEED = 20240601

SCALE_EMAIL_DOMAIN = "scale.test"
SCALE_EMAILS = f"@{SCALE_EMAIL_DOMAIN}"
BATCH_SIZE = 5_000


@dataclass
class ScaleContext:
    """What every seeder gets: the target size, one password hash for everyone, a seeded random generator."""

    users: int = DEFAULT_USERS
    audit_per_user: int = DEFAULT_AUDIT_PER_USER
    batch_size: int = BATCH_SIZE
    rng: random.Random = field(default_factory=lambda: random.Random(RNG_SEED))  # not for cryptography
    now: datetime = field(default_factory=timezone.now)
    log: Callable[[str], None] = print

    @cached_property
    def password_hash(self) -> str:
        """Hashed once (it is slow on purpose) and reused for every account."""
        return make_password(BENCH_PASSWORD)

    def rng_for(self, name: str) -> random.Random:
        """A generator of its own for a seeder added after the data set was first built: drawing from it
        changes none of the rows of the seeders that share `rng`, so an existing bench database only gets
        the new part, the same as a fresh one."""
        return random.Random(f"{RNG_SEED}:{name}")  # not for cryptography

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
    """Register `func(ctx) -> rows created` as a seeder named `<module>.<what>` (the module is one of ORDER);
    `done(ctx)` tells whether its data is already there."""
    module = name.partition(".")[0]
    if module not in ORDER:
        raise ValueError(f"seeder {name!r}: {module!r} is not a module of bench/scale/ (ORDER)")

    def register(func: Callable[[ScaleContext], int]) -> Callable[[ScaleContext], int]:
        SEEDERS.append(Seeder(name, func, done))
        SEEDERS.sort(key=lambda s: ORDER.index(s.name.partition(".")[0]))  # stable: a module's own order stays
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
            if connection.vendor == "postgresql" and connection.get_autocommit():
                # What autovacuum would do in the hours after such a load, done now: the GIN indexes' pending lists
                # merged (a search otherwise reads them whole: the community's held 205 pages after the seed, the
                # directory's search took 26 ms instead of 17), the visibility map set (index-only scans), and fresh
                # planner statistics.
                cursor.execute("VACUUM (ANALYZE)")
            else:
                cursor.execute("ANALYZE")  # fresh planner statistics after a bulk load
    return report


def role_ids(role: str) -> list[int]:
    """The scale members with `role`, by primary key (the same list for every seeder that asks)."""
    grants = RoleGrant.objects.filter(role=role, user__email__endswith=SCALE_EMAILS)
    return list(grants.order_by("user_id").values_list("user_id", flat=True))


def days_ago(ctx: ScaleContext, low: int, high: int) -> datetime:
    return ctx.now - timedelta(days=low, seconds=ctx.rng.randrange((high - low) * 86_400))


def scale_exists(model: type[models.Model], field: str) -> Callable[[ScaleContext], bool]:
    return lambda ctx: model._default_manager.filter(**{f"{field}__email__endswith": SCALE_EMAILS}).exists()


def bulk_linked(ctx: ScaleContext, model: type[models.Model], items: Iterable[tuple[models.Model, list[int]]]) -> int:
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
