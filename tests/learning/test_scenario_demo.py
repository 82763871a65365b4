"""The demo: Léa has played a scenario to an ending, and Jean-Pierre, her mentor, has debriefed it (idempotent)."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from compagnons.accounts.models import User
from compagnons.learning.models import Capsule, Debrief, Run, Scenario
from compagnons.ledger.models import Transaction

pytestmark = pytest.mark.django_db


def test_the_demo_apprentice_played_and_her_mentor_debriefed(client):
    with override_settings(DEBUG=True):
        call_command("seed_demo")
        call_command("seed_demo")  # idempotent
    assert Capsule.objects.published().count() >= 8  # the shipped content, for a fresh `make run`
    scenarios = list(Scenario.objects.published().select_related("current"))
    assert len(scenarios) >= 4
    for scenario in scenarios:
        nodes = scenario.current.nodes
        assert nodes.count() >= 10 and nodes.filter(is_ending=True).count() >= 3, scenario.slug
    lea = User.objects.get(email="apprenti@demo.test")
    run = Run.objects.get(member=lea)
    assert run.finished_at is not None and run.ending.is_ending
    debrief = Debrief.objects.get(run=run)
    assert debrief.mentor.email == "compagnon@demo.test"
    assert Transaction.objects.filter(idempotency_key=f"debrief:{run.pk}").count() == 1
    client.force_login(lea)
    page = client.get(reverse("learning:run", args=[run.pk]))
    assert "prévenu tôt" in page.text
