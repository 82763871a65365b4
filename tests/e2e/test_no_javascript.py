"""The core flows work without JavaScript: log in, accept the charter, reach the dashboard."""

import re

import pytest
from playwright.sync_api import expect

from compagnons.accounts.models import CharterAcceptance
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_log_in_and_accept_the_charter_without_javascript(open_browser, charter):
    user = UserFactory(apprentice=True, first_name="Nour", email="nour@exemple.test", charter=False)
    page = open_browser(java_script_enabled=False).page
    assert page.evaluate is not None  # Playwright can still inspect the page; the page's own scripts do not run.

    page.goto("/")
    page.get_by_role("link", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/comptes/login/"))
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()

    expect(page).to_have_url(re.compile(r"/charte/accepter/"))
    page.get_by_role("checkbox", name=re.compile("J'ai lu la charte d'entraide")).check()
    page.get_by_role("button", name="J'accepte et je continue").click()

    expect(page).to_have_url(re.compile(r"/espace/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Nour")
    expect(page.get_by_role("heading", name="Votre parcours d'apprenti·e")).to_be_visible()
    assert CharterAcceptance.objects.filter(user=user, charter=charter).exists()

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
