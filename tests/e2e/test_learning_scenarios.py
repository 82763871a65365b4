"""Scenarios in the browser: a member goes from « Mon espace » to a scenario and plays it to an ending, once
without JavaScript (plain forms) and once with it (htmx swaps the step, the new step's heading takes the focus);
then their mentor reads the run and writes the debrief. axe-core on every page."""

import re

import pytest
from playwright.sync_api import expect

from compagnons.learning.models import Debrief, Run
from tests.e2e.conftest import assert_accessible
from tests.factories import UserFactory
from tests.factories.apprenticeship import pair
from tests.factories.learning import import_scenario, scenario_text

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def scenario(db):
    # Transactional tests flush the référentiel of the data migration: the file's compétences are left out.
    return import_scenario(re.sub(r"\n\s*competences: \[.*?\]", "", scenario_text()))


def play_through(page, *, check=assert_accessible) -> None:
    """From « Mon espace » to an ending, by clicking. Without JavaScript, axe-core cannot run in the page (it is a
    script): the same pages (list, situation, each step, the ending) are checked by the run with JavaScript."""
    page.goto("/espace/")
    page.get_by_role("link", name="Toutes les mises en situation").click()
    check(page)
    page.get_by_role("link", name="Relancer un devis resté sans réponse").click()
    expect(page.get_by_role("heading", name="La situation")).to_be_visible()
    check(page)
    page.get_by_role("button", name="Commencer").click()
    expect(page.get_by_role("heading", name="Étape 1")).to_be_visible()
    check(page)
    page.get_by_role("button", name=re.compile("Quand puis-je vous rappeler")).click()
    expect(page.get_by_role("heading", name="Étape 2")).to_be_visible()
    check(page)
    page.get_by_role("button", name=re.compile("Vous notez le rendez-vous")).click()
    expect(page.get_by_role("heading", name="La fin : Un rendez-vous fixé")).to_be_visible()
    expect(page.get_by_text("Vous avez relancé sans harceler")).to_be_visible()
    check(page)


def test_a_member_plays_to_an_ending_without_javascript(open_browser, charter, scenario):
    member = UserFactory(apprentice=True)
    session = open_browser(java_script_enabled=False)
    session.log_in(member)
    play_through(session.page, check=lambda page: None)
    run = Run.objects.get(member=member)
    assert run.finished_at is not None and run.steps_count == 2


def test_a_member_plays_with_javascript_and_the_mentor_debriefs(open_browser, charter, scenario):
    formateur = UserFactory(formateur=True)
    member = UserFactory(apprentice=True, first_name="Léa")
    mentor = UserFactory(compagnon=True)
    pair(member, mentor, by=formateur, days_ago=10)

    session = open_browser()
    session.log_in(member)
    page = session.page
    page.goto("/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Apprendre").click()
    page.get_by_role("link", name="Voir les mises en situation").click()
    assert_accessible(page)
    page.get_by_role("link", name="Relancer un devis resté sans réponse").click()
    expect(page.get_by_role("heading", name="La situation")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Commencer").click()
    expect(page.get_by_role("heading", name="Étape 1")).to_be_visible()
    assert_accessible(page)
    url = page.url
    page.get_by_role("button", name=re.compile("Quand puis-je vous rappeler")).click()
    heading = page.get_by_role("heading", name="Étape 2")
    expect(heading).to_be_focused()  # htmx swapped the step in place; the focus moved to its heading
    assert page.url == url
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Vous notez le rendez-vous")).click()
    expect(page.get_by_role("heading", name="La fin : Un rendez-vous fixé")).to_be_visible()
    assert_accessible(page)
    run = Run.objects.get(member=member)
    assert run.finished_at is not None and run.shared

    mentor_session = open_browser()
    mentor_session.log_in(mentor)
    page = mentor_session.page
    page.goto("/espace/")
    page.get_by_role("link", name=re.compile("attend votre débriefing")).click()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Relancer un devis")).click()
    expect(page.get_by_role("heading", name="Le chemin pris")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Votre débriefing").fill("Bravo : une date, et une trace écrite.")
    page.get_by_role("button", name="Envoyer le débriefing").click()
    expect(page.get_by_text("Débriefing enregistré")).to_be_visible()
    assert_accessible(page)
    assert Debrief.objects.get(run=run).mentor == mentor
