import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from compagnons.accounts.models import Role, User
from compagnons.core.models import AuditLog

pytestmark = pytest.mark.django_db

VALID = {
    "first_name": "Léa",
    "last_name": "Martin",
    "email": "lea.martin@exemple.test",
    "password1": "un-mot-de-passe-solide",
    "password2": "un-mot-de-passe-solide",
}


def signup(client, **overrides):
    return client.post(reverse("account_signup"), {**VALID, **overrides})


def test_learning_makes_an_apprentice_and_sends_a_verification_link(client):
    response = signup(client, intents=["learn"])

    assert response.status_code == 302
    user = User.objects.get(email="lea.martin@exemple.test")
    assert (user.first_name, user.last_name) == ("Léa", "Martin")
    assert user.roles == {Role.APPRENTICE}
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert re.search(r"/comptes/confirm-email/[^/\s]+/", mail.outbox[0].body)
    assert AuditLog.objects.filter(action="account.signed_up", actor=user).exists()


def test_posting_missions_makes_a_client(client):
    signup(client, intents=["post"])
    assert User.objects.get().roles == {Role.CLIENT}


def test_nobody_makes_themself_a_compagnon(client):
    signup(client, intents=["transmit", "learn"])

    user = User.objects.get()
    assert Role.COMPAGNON not in user.roles
    assert user.transmit_requested_at is not None
    assert list(User.objects.awaiting_recognition()) == [user]


def test_unverified_member_cannot_log_in(client):
    signup(client, intents=["learn"])
    client.logout()

    response = client.post(reverse("account_login"), {"login": VALID["email"], "password": VALID["password1"]})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_bad_input_rerenders_with_french_messages_and_keeps_what_was_typed(client):
    response = signup(client, intents=[], password2="autre-chose-encore")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Dites-nous au moins ce qui vous amène." in html
    assert 'value="lea.martin@exemple.test"' in html
    assert 'value="Léa"' in html
    assert not User.objects.exists()


def test_call_to_action_preticks_the_intent(client):
    html = client.get(reverse("account_signup"), {"pour": "transmit"}).content.decode()
    assert re.search(r'value="transmit"[^>]*checked', html)


def test_the_sign_up_email_greets_with_the_platform_name_not_the_host(client):
    signup(client, intents=["learn"])
    body = mail.outbox[0].body
    assert "Compagnons" in body.splitlines()[0]
    assert "testserver !" not in body and "c'est testserver" not in body
    assert "Merci d'utiliser Compagnons" in body


def test_a_new_account_starts_with_its_welcome_grant(client, settings):
    """The ledger's welcome grant is posted at sign-up, so « Mon espace » shows it before any ledger page opens."""
    from compagnons.accounts.services import accept_charter, current_charter
    from compagnons.ledger.models import Transaction

    settings.LEDGER_WELCOME_MINUTES = 60
    signup(client, intents=["learn"])
    user = User.objects.get()
    assert Transaction.objects.filter(kind="welcome", beneficiary=user, state="confirmed").count() == 1
    EmailAddress.objects.filter(user=user).update(verified=True)
    if charter := current_charter():
        accept_charter(user, charter)
    client.force_login(user)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Solde : 60 minutes." in html
