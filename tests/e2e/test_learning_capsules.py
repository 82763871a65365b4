"""Capsules, in the browser: from the home page an apprentice clicks « Apprendre », opens a recommended capsule,
reads it, answers the quiz and sees why each answer is right or not (plain forms, no script of ours)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.factories import UserFactory
from tests.factories.learning import make_capsule

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_apprentice_reads_a_capsule_and_answers_its_quiz(open_browser, charter):
    member = UserFactory(apprentice=True, first_name="Léa", last_name="Martin")
    capsule = make_capsule(body="Un devis sans réponse n'est **pas un refus**.", slug="relancer", competences=[])

    session = open_browser()
    session.log_in(member)
    page = session.page
    page.goto("/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Apprendre").click()
    expect(page.get_by_role("heading", level=1, name="Apprendre")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=capsule.title).click()
    expect(page.get_by_role("heading", level=1, name=capsule.title)).to_be_visible()
    expect(page.get_by_text("pas un refus")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="J'ai lu, passer au quiz").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Quiz")
    assert_accessible(page)
    page.get_by_role("group", name="Question 1").get_by_label("Juste 1").check()
    page.get_by_role("group", name="Question 2").get_by_label("Faux 2").check()
    page.get_by_role("group", name="Question 3").get_by_label("Juste 3").check()
    page.get_by_role("button", name="Envoyer mes réponses").click()

    expect(page.get_by_role("status")).to_contain_text("67 %")
    expect(page.get_by_text("Non, parce que 2.")).to_be_visible()
    expect(page.get_by_text("Juste, parce que 2.")).to_be_visible()
    assert_accessible(page)

    # A second try, all right: the capsule is finished.
    page.get_by_role("link", name="Refaire le quiz").click()
    for n in (1, 2, 3):
        page.get_by_role("group", name=f"Question {n}").get_by_label(f"Juste {n}").check()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_role("status")).to_contain_text("Quiz réussi")
    expect(page.get_by_text("Capsule terminée")).to_be_visible()
