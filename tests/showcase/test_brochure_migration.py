"""Brochures built before they became core.files.BuiltFile stay valid: a ready one is ready since its last save."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE, AFTER = ("showcase", "0003_portfolio_thumbnail"), ("showcase", "0004_brochure_is_a_built_file")


@pytest.mark.django_db(transaction=True)
def test_a_brochure_built_before_stays_ready_with_its_date(compagnon):
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    profile = old.get_model("showcase", "Profile").objects.create(member_id=compagnon.pk, slug="avant")
    Brochure = old.get_model("showcase", "Brochure")
    ready = Brochure.objects.create(profile=profile, status="ready", progress=100, file="brochures/plaquette-avant.pdf")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([AFTER])
    new = executor.loader.project_state([AFTER]).apps.get_model("showcase", "Brochure").objects.get(pk=ready.pk)
    assert (new.status, new.file.name) == ("ready", "brochures/plaquette-avant.pdf")
    assert new.finished_at == new.updated_at is not None
