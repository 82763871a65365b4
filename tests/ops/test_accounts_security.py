"""Accounts under attack (issue 23): the team must have double authentication, sessions end after inactivity, a
password change ends every other session. STAFF_MFA_REQUIRED is off in the test settings (the other tests log
staff in with force_login, without MFA); these tests turn it on."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client, override_settings
from django.urls import reverse

from compagnons.accounts.middleware import SEEN_KEY
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "un-mot-de-passe-solide"


@pytest.fixture
def mfa_required(settings):
    settings.STAFF_MFA_REQUIRED = True


def test_a_team_member_without_mfa_is_sent_to_set_it_up_before_any_page(client, formateur, mfa_required):
    client.force_login(formateur)
    for url in (reverse("core:audit_log"), reverse("accounts:dashboard"), reverse("core:failed_tasks"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password again before activating (reauthentication), then shows the QR code.
    page = client.get(reverse("mfa_activate_totp"), follow=True)
    assert page.status_code == 200
    assert "protègent leur compte par une double authentification" in page.text


def test_a_team_member_with_an_authenticator_app_goes_on(client, formateur, mfa_required):
    TOTP.activate(formateur, generate_totp_secret())
    client.force_login(formateur)
    assert client.get(reverse("core:audit_log")).status_code == 200


def test_members_are_not_asked_for_mfa(client, apprenti, mfa_required):
    client.force_login(apprenti)
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_signing_in_as_staff_with_mfa_asks_for_the_code(mfa_required):
    staff = UserFactory(formateur=True, email="equipe@example.org", password=PASSWORD)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    browser = Client()
    response = browser.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302 and "2fa" in response["Location"]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = browser.post(response["Location"], {"code": code})
    assert response.status_code == 302
    assert browser.get(reverse("core:audit_log")).status_code == 200


def test_with_debug_the_demo_team_is_exempt_and_a_banner_says_so(client, mfa_required):
    demo = UserFactory(formateur=True, email="formateur@demo.test")
    client.force_login(demo)
    with override_settings(DEBUG=True):
        page = client.get(reverse("core:audit_log"))
    assert page.status_code == 200
    assert "se passe de double authentification" in page.text
    # Without DEBUG (production), the demo address is no exemption.
    assert client.get(reverse("core:audit_log"))["Location"] == reverse("mfa_activate_totp")


def test_a_session_ends_after_inactivity(client, apprenti, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client.force_login(apprenti)
    assert client.get(reverse("accounts:dashboard")).status_code == 200

    session = client.session
    session[SEEN_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get(reverse("accounts:dashboard")).status_code == 200  # 29 minutes: still there, clock reset
    assert client.session[SEEN_KEY] >= int(time.time()) - 5

    session = client.session
    session[SEEN_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert "sans activité" in client.get(response["Location"]).text


def test_the_clock_is_written_at_most_every_five_minutes(client, apprenti):
    client.force_login(apprenti)
    seen = client.session[SEEN_KEY]  # written at login
    client.get(reverse("accounts:dashboard"))
    assert client.session[SEEN_KEY] == seen


def test_a_password_change_ends_every_other_session(apprenti):
    apprenti.set_password(PASSWORD)
    apprenti.save()
    here, elsewhere = Client(), Client()
    for browser in (here, elsewhere):
        response = browser.post(reverse("account_login"), {"login": apprenti.email, "password": PASSWORD})
        assert response.status_code == 302
        assert browser.get(reverse("accounts:dashboard")).status_code == 200

    response = here.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "un-autre-mot-de-passe", "password2": "un-autre-mot-de-passe"},
    )
    assert response.status_code == 302
    assert here.get(reverse("accounts:dashboard")).status_code == 200  # this one goes on
    assert elsewhere.get(reverse("accounts:dashboard")).status_code == 302  # the other one is over
