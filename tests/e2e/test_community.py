"""The community, in the browser, by clicking from the header: a member asks a question, a compagnon answers it,
the asker marks « cette réponse m'a aidé » (the compagnon is credited in the ledger), and a search finds it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from compagnons.accounts.models import User
from compagnons.community.demo import ensure_categories
from compagnons.ledger.models import Transaction
from tests.e2e.conftest import assert_accessible
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Comment relancer une facture sans froisser le client ?"


def settled(**kwargs):
    user = UserFactory(**kwargs)
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=60))
    user.refresh_from_db()
    return user


def test_ask_answer_mark_helpful_and_search(open_browser, charter):
    ensure_categories()
    asker = settled(apprentice=True, first_name="Léa", last_name="Martin")
    helper = settled(compagnon=True, first_name="Jean-Pierre", last_name="Dubois")

    # The asker goes from the home page's header to the community, then to a category, and asks.
    first = open_browser()
    first.log_in(asker)
    page = first.page
    page.goto("/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Entraide").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("L'entraide")
    assert_accessible(page)
    page.get_by_role("link", name="Missions et clients").click()
    assert_accessible(page)
    page.get_by_role("button", name="Poser une question").click()
    page.get_by_label("Votre question, en une phrase").fill(TITLE)
    page.get_by_label("Les détails").fill("")
    page.get_by_role("button", name="Publier la question").click()
    expect(page.get_by_text("Votre message est vide")).to_be_visible()  # refused, the title kept
    expect(page.get_by_label("Votre question, en une phrase")).to_have_value(TITLE)
    assert_accessible(page)
    page.get_by_label("Les détails").fill("Une facture de **450 €** attend depuis 45 jours. <script>alert(1)</script>")
    page.get_by_role("button", name="Publier la question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("strong", has_text="450 €")).to_be_visible()
    assert_accessible(page)

    # The compagnon finds it from the header and answers.
    second = open_browser()
    second.log_in(helper)
    other = second.page
    other.goto("/")
    other.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Entraide").click()
    other.get_by_role("link", name=TITLE).first.click()
    other.get_by_label("Votre réponse").fill("Un courriel cordial qui rappelle l'échéance, puis un appel.")
    other.get_by_role("button", name="Publier ma réponse").click()
    expect(other.get_by_text("Votre réponse est publiée.")).to_be_visible()
    assert_accessible(other)

    # The asker marks the answer that helped.
    page.reload()
    page.get_by_role("button", name="Cette réponse m'a aidé").click()
    expect(page.get_by_text("La personne qui a répondu est remerciée")).to_be_visible()
    expect(page.get_by_text("Cette réponse a aidé la personne qui a posé la question.")).to_be_visible()
    assert_accessible(page)
    assert Transaction.objects.filter(kind="community", beneficiary=helper).count() == 1

    # A search from the community's home (the header's link) finds the thread.
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Entraide").click()
    page.get_by_label("Rechercher dans l'entraide").fill("relancer facture")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("link", name=TITLE).first).to_be_visible()
    assert_accessible(page)
