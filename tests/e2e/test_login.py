"""Journey: log in with e-mail, password and a TOTP code (MFA); a wrong code is refused."""

import re
import time

import pytest
from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def current_code(secret: str) -> str:
    """The code an authenticator app shows now; waits for the next period when this one is about to end."""
    remaining = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if remaining < 3:
        time.sleep(remaining + 0.1)
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


@pytest.fixture
def member_with_totp(charter):
    user = UserFactory(apprentice=True, first_name="Léa", last_name="Martin", email="lea.martin@exemple.test")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def log_in_with_password(page, email: str) -> None:
    page.goto("/comptes/login/")
    assert_accessible(page)
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/comptes/2fa/authenticate/$"))
    assert_accessible(page)


def test_log_in_with_totp_code(page, member_with_totp):
    user, secret = member_with_totp
    log_in_with_password(page, user.email)

    page.locator("input[name=code]").fill(current_code(secret))
    page.locator("main form button[type=submit]").first.click()

    expect(page).to_have_url(re.compile(r"/espace/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Léa")
    assert_accessible(page)


def test_wrong_totp_code_is_refused(page, member_with_totp):
    user, secret = member_with_totp
    log_in_with_password(page, user.email)

    wrong = f"{(int(current_code(secret)) + 1) % 1_000_000:06d}"
    page.locator("input[name=code]").fill(wrong)
    page.locator("main form button[type=submit]").first.click()

    expect(page).to_have_url(re.compile(r"/comptes/2fa/authenticate/$"))
    expect(page.locator("main")).to_contain_text("Code incorrect.")
    assert_accessible(page)
    # Still not logged in: the dashboard sends back to the pending login (the code step).
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    page.goto("/espace/")
    expect(page).to_have_url(re.compile(r"/comptes/(login|2fa/authenticate)/"))
