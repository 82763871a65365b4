"""Scenario runs in the personal data export, and what erasure leaves."""

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from compagnons.accounts import services as accounts
from compagnons.learning import services
from compagnons.learning.models import Debrief, Run
from tests.factories.learning import import_scenario, play

pytestmark = pytest.mark.django_db


def test_export_holds_the_runs_steps_and_debriefs(apprenti, compagnon, mentorship):
    run = play(import_scenario(), apprenti)
    services.write_debrief(run, "Une relance bien menée, Léa.", by=compagnon)
    mine = accounts.export_personal_data(apprenti, by=apprenti)["learning"]["scenarios"]
    assert mine[0]["ending"] == "Un rendez-vous fixé"
    assert [s["node"] for s in mine[0]["steps"]] == ["appel", "date"]
    assert mine[0]["debrief_received"].startswith("Une relance")
    json.dumps(mine, cls=DjangoJSONEncoder)
    theirs = accounts.export_personal_data(compagnon, by=compagnon)["learning"]["scenarios"]
    assert theirs[-1]["debriefs_written"][0]["run"] == run.pk


def test_erasure_empties_debriefs_received_and_names_in_debriefs_written(apprenti, compagnon, mentorship):
    run = play(import_scenario(), apprenti)
    services.write_debrief(run, "Une relance bien menée, Léa Martin.", by=compagnon)
    accounts.erase_account(apprenti, by=apprenti)
    assert Debrief.objects.get(run=run).text == "—"
    assert Run.objects.filter(pk=run.pk).exists()  # anonymous, for the figures and the mentor's credit


def test_erasure_of_a_mentor_removes_the_member_name_they_wrote(apprenti, compagnon, mentorship):
    run = play(import_scenario(), apprenti)
    services.write_debrief(run, "Jean-Pierre Dubois vous félicite.", by=compagnon)
    accounts.erase_account(compagnon, by=compagnon)
    assert "Dubois" not in Debrief.objects.get(run=run).text
