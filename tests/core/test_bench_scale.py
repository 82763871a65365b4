"""The scale data set of `make bench` (bench/scale/): its seeders run in the order of the apps' modules, and a small
data set builds whole, with every key the bench pages' paths need."""

import pytest
from django.db import connection

from bench import scale
from bench.scale.registry import ORDER, ScaleContext, seeder


def _module(name: str) -> str:
    return name.partition(".")[0]


def test_every_module_of_the_order_is_imported_and_the_seeders_run_in_that_order():
    modules = [_module(s.name) for s in scale.SEEDERS]
    assert set(modules) == set(ORDER)
    assert modules == sorted(modules, key=ORDER.index)


def test_the_seeders_of_a_module_keep_the_order_they_are_written_in():
    names = [s.name for s in scale.SEEDERS]
    assert names.index("accounts.bench_accounts") < names.index("accounts.members")
    assert names.index("missions.missions") < names.index("missions.applications") < names.index("missions.records")
    assert names.index("missions.bench_missions") < names.index("ledger.contributions")


def test_a_seeder_outside_the_modules_of_the_order_is_refused():
    with pytest.raises(ValueError, match="not a module"):
        seeder("nowhere.things", done=lambda ctx: True)


def test_a_seeder_of_its_own_draws_the_same_numbers_whatever_the_others_drew():
    ctx = ScaleContext()
    first = ctx.rng_for("quality.surveys").random()
    ctx.rng.random()
    assert ScaleContext().rng_for("quality.surveys").random() == first
    assert ctx.rng_for("certification.juries").random() != first


@pytest.mark.django_db
def test_a_small_data_set_builds_whole(settings, tmp_path):
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"
    ctx = ScaleContext(users=300, audit_per_user=1, log=lambda line: None)
    assert not scale.is_seeded(ctx)

    report = scale.seed(ctx)

    assert [name for name, _rows, _s in report] == [s.name for s in scale.SEEDERS]
    assert scale.is_seeded(ctx)
    ids = scale.bench_ids()
    assert None not in ids.values(), ids
    assert scale.seed(ctx) == []  # nothing left to do
    if connection.vendor == "sqlite":  # the community's bulk load fills the index's words too (community/search.py)
        with connection.cursor() as cursor:
            cursor.execute("SELECT word FROM community_searchword WHERE word IN ('acompte', 'sauvegarde')")
            assert sorted(row[0] for row in cursor.fetchall()) == ["acompte", "sauvegarde"]
