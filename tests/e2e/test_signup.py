"""Journey: sign up → verify the e-mail → accept the charter → reach the dashboard."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from compagnons.accounts.models import CharterAcceptance, Role, User
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CONFIRM_LINK = re.compile(r"https?://[^\s\"'<>]+/comptes/confirm-email/[^\s\"'<>]+/")


def test_sign_up_verify_accept_charter_reach_dashboard(page, charter):
    page.goto("/")
    assert_accessible(page)

    page.get_by_role("button", name="Commencer le parcours").click()
    expect(page).to_have_url(re.compile(r"/comptes/signup/\?pour=learn$"))
    assert_accessible(page)
    expect(page.locator("input[name=intents][value=learn]")).to_be_checked()

    page.get_by_label(re.compile(r"^Prénom")).fill("Amina")
    page.get_by_label(re.compile(r"^Nom")).fill("Diallo")
    page.get_by_label(re.compile(r"^Courriel")).fill("amina.diallo@exemple.test")
    page.get_by_label(re.compile(r"^Mot de passe\s*:?$")).fill("une-phrase-de-passe-solide")
    page.get_by_label(re.compile(r"^Mot de passe \(confirmation\)")).fill("une-phrase-de-passe-solide")
    page.get_by_role("button", name="Création de compte").click()

    expect(page).to_have_url(re.compile(r"/comptes/confirm-email/$"))
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amina.diallo@exemple.test"]
    link = CONFIRM_LINK.search(message.body)
    assert link, message.body

    page.goto(link.group(0))
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()

    # Logged in on confirmation; the charter comes before anything else.
    expect(page).to_have_url(re.compile(r"/charte/accepter/"))
    assert_accessible(page)
    page.get_by_role("checkbox", name=re.compile("J'ai lu la charte d'entraide")).check()
    page.get_by_role("button", name="J'accepte et je continue").click()

    expect(page).to_have_url(re.compile(r"/espace/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Amina")
    expect(page.get_by_role("heading", name="Votre parcours d'apprenti·e")).to_be_visible()
    assert_accessible(page)

    user = User.objects.get(email="amina.diallo@exemple.test")
    assert (user.first_name, user.last_name) == ("Amina", "Diallo")
    assert user.roles == {Role.APPRENTICE}
    assert user.emailaddress_set.get().verified
    assert CharterAcceptance.objects.filter(user=user, charter=charter).exists()
