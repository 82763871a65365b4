"""The guards every browser test relies on: they do catch a CSP violation and an accessibility failure."""

import pytest

from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_inline_script_is_blocked_and_reported(session):
    page = session.page
    page.goto("/")
    assert page.evaluate("() => window.htmx !== undefined"), "our own script (with its nonce) runs"

    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.injected = true";
                document.body.append(script);
            }"""
        )
    assert page.evaluate("() => window.injected") is None
    assert session.csp_violations, "the violation must reach the log the teardown checks"
    session.csp_violations.clear()  # Expected here; any other test fails on it.


def test_axe_fails_on_a_serious_violation(page):
    page.set_content(
        '<html lang="fr"><head><title>Essai</title></head><body><main>'
        '<h1>Essai</h1><form><input type="text" name="anonyme"></form></main></body></html>'
    )
    with pytest.raises(pytest.fail.Exception, match=r"label"):
        assert_accessible(page)
