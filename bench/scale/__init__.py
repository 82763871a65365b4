"""The scale data set: `manage.py seed_scale` runs every seeder registered in the modules of this package, one
module per app, in the order of `registry.ORDER` (the apps' layers).

A seeder fills one part of the world with bulk inserts and says, through its `done` check, whether that part
is already there, so a database seeded by an earlier issue only gets the new tables filled.
An app's seeders go in the module of that app (add it to `registry.ORDER` and to the imports below)::

    @seeder("missions.missions", done=lambda ctx: Mission.objects.count() >= ctx.users // 10)
    def seed_missions(ctx: ScaleContext) -> int:
        return ctx.bulk(Mission, (Mission(...) for i in range(ctx.users // 10)))
"""

from bench import DEFAULT_AUDIT_PER_USER, DEFAULT_USERS
from bench.scale import (  # noqa: F401 - importing a module registers its seeders
    accounts,
    apprenticeship,
    certification,
    coaching,
    community,
    core,
    funding_invoices,
    funding_plans,
    learning,
    ledger,
    missions,
    outcomes,
    quality,
    showcase,
    skills,
)
from bench.scale.ids import bench_ids
from bench.scale.registry import ORDER, SEEDERS, ScaleContext, is_seeded, seed, seeder

__all__ = [
    "DEFAULT_AUDIT_PER_USER",
    "DEFAULT_USERS",
    "ORDER",
    "SEEDERS",
    "ScaleContext",
    "bench_ids",
    "is_seeded",
    "seed",
    "seeder",
]
