"""allauth's e-mails come from the site the request is for: links on its host, its sender, its name and footer
(issue 19, docs/sites.md)."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD
from tests.factories.sites import SOUTH_SENDER, signed_up_on

pytestmark = pytest.mark.django_db

SIGNUP = {
    "first_name": "Léa",
    "last_name": "Martin",
    "email": "lea.sud@exemple.test",
    "password1": PASSWORD,
    "password2": PASSWORD,
    "intents": ["learn"],
}


def test_the_confirmation_of_a_signup_on_a_site_comes_from_that_site(client, south, mailoutbox):
    client.post(reverse("account_signup"), SIGNUP, HTTP_HOST="sud.example")
    [message] = mailoutbox
    assert message.from_email == SOUTH_SENDER
    assert "http://sud.example/" in message.body or "https://sud.example/" in message.body
    assert "ici Compagnons du Sud" in message.body and "Pied du Sud" in message.body


def test_a_password_reset_asked_on_the_default_site_keeps_its_sender(client, south, apprenti, mailoutbox, settings):
    client.post(reverse("account_reset_password"), {"email": apprenti.email})
    [message] = mailoutbox
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "sud.example" not in message.body and "Pied du Sud" not in message.body


def test_a_password_reset_asked_on_a_site_comes_from_that_site(client, south, apprenti, mailoutbox):
    signed_up_on(apprenti, south)
    client.post(reverse("account_reset_password"), {"email": apprenti.email}, HTTP_HOST="sud.example")
    [message] = mailoutbox
    assert message.from_email == SOUTH_SENDER and "sud.example" in message.body
