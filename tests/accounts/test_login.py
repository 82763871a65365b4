import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_by_email_reaches_the_dashboard(client, apprenti):
    response = client.post(reverse("account_login"), {"login": apprenti.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")


def test_a_wrong_password_gets_a_french_message(client, apprenti):
    response = client.post(reverse("account_login"), {"login": apprenti.email, "password": "mauvais"})

    assert response.status_code == 200
    assert "l’adresse e-mail ou le mot de passe sont incorrects" in response.content.decode().lower()


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "3/5m/key"})
def test_failed_logins_are_rate_limited(client, apprenti):
    for _ in range(3):
        client.post(reverse("account_login"), {"login": apprenti.email, "password": "mauvais"})

    response = client.post(reverse("account_login"), {"login": apprenti.email, "password": PASSWORD})

    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
    assert "trop" in response.content.decode().lower()


def test_logout_is_a_post(client, apprenti):
    client.force_login(apprenti)

    client.get(reverse("account_logout"))
    assert "_auth_user_id" in client.session

    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link(client, apprenti, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": apprenti.email})

    assert len(mailoutbox) == 1
    assert "/comptes/password/reset/key/" in mailoutbox[0].body
