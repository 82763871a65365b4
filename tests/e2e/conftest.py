"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Every page a journey visits goes through `assert_accessible` (axe-core: no serious or critical violation),
and every test fails if the browser reports a Content Security Policy violation or an uncaught JavaScript error.
Without /usr/bin/chromium the tests fail, unless E2E_OPTIONAL=1 (then they are skipped).
"""

import functools
import os
from datetime import timedelta
from pathlib import Path

import axe_playwright_python
import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from compagnons.accounts.models import CharterVersion

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SOURCE_PATH = Path(axe_playwright_python.__file__).parent / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}
# Not serious by axe's measure, but two landmarks of one name leave a screen-reader user unable to tell them apart.
ALWAYS_BLOCKING = {"landmark-unique"}
CSP_MARKERS = ("Content Security Policy", "Content-Security-Policy")
TIMEOUT_MS = 10_000


@pytest.fixture(scope="package", autouse=True)
def _allow_orm_beside_playwright():
    """Playwright's sync API keeps an event loop running in this thread; the ORM calls the tests and pytest-django
    make are still synchronous. Set for these tests only: the variable must not leak to the rest of the suite
    (`manage.py check --deploy`, run by another test, refuses it)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(autouse=True)
def _fragment_cache_on(settings):
    """The journeys run as production does, with the cached fragments (core/fragments.py) on: the live server's
    transactions commit, so every write moves the versions and a journey sees its own changes at once."""
    settings.FRAGMENT_CACHE = True


@pytest.fixture(autouse=True)
def _forget_sites():
    """Each journey starts on flushed tables: no site looked up by an earlier one (the demo's second site answers
    for `localhost`, the live server's host) may be kept by this process."""
    from compagnons.core import sites

    sites._local.clear()
    yield
    sites._local.clear()


@pytest.fixture(scope="package")
def browser(_allow_orm_beside_playwright):
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run browser tests."
        if os.environ.get("E2E_OPTIONAL") == "1":
            pytest.skip(reason)
        pytest.fail(reason + " Set E2E_OPTIONAL=1 to skip them instead.", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@functools.cache
def axe_source() -> str:
    return AXE_SOURCE_PATH.read_text(encoding="utf-8")


class BrowserSession:
    """A fresh browser context (cookies, storage) for one test, with its CSP violation log."""

    def __init__(self, browser, base_url: str, **options):
        self.base_url = base_url
        self.context = browser.new_context(base_url=base_url, locale="fr-FR", **options)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.csp_violations: list[str] = []
        self.page_errors: list[str] = []
        self.page = self.new_page()

    def new_page(self):
        page = self.context.new_page()
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)
        return page

    def _on_console(self, message) -> None:
        if any(marker in message.text for marker in CSP_MARKERS):
            self.csp_violations.append(f"{message.type}: {message.text}")

    def _on_page_error(self, error) -> None:
        self.page_errors.append(str(error))

    def log_in(self, user) -> None:
        """Give the context a logged-in session, skipping the login form (tested on its own)."""
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": self.base_url}])

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_browser(browser, live_server):
    """Open a browser context (viewport, java_script_enabled…); when the test ends, fail on any CSP violation
    or uncaught JavaScript error the pages reported."""
    sessions: list[BrowserSession] = []

    def _open(**options) -> BrowserSession:
        session = BrowserSession(browser, live_server.url, **options)
        sessions.append(session)
        return session

    yield _open
    violations = [v for s in sessions for v in s.csp_violations]
    errors = [e for s in sessions for e in s.page_errors]
    for session in sessions:
        session.close()
    assert not violations, "The browser reported Content Security Policy violations:\n" + "\n".join(violations)
    assert not errors, "The pages raised JavaScript errors:\n" + "\n".join(errors)


@pytest.fixture
def session(open_browser) -> BrowserSession:
    return open_browser()


@pytest.fixture
def page(session):
    return session.page


@pytest.fixture
def charter(db):
    """The published charter. Transactional tests flush the tables, the data migration's version included."""
    current = CharterVersion.objects.current()
    if current is None:
        current = CharterVersion.objects.create(
            version=1,
            title="Charte d'entraide des compagnons du télétravail",
            body="## Ce qui nous rassemble\n- Solidarité, travail, fraternité.",
            published_at=timezone.now() - timedelta(minutes=1),
        )
    return current


def assert_accessible(page) -> None:
    """Run axe-core on the page as it stands; fail on any serious or critical violation, and on landmark-unique."""
    # The CSP forbids inline scripts, so axe is evaluated in the page rather than added as a <script>.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    blocking = [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS or v["id"] in ALWAYS_BLOCKING]
    if blocking:
        lines = [f"axe-core: {len(blocking)} serious or critical violation(s) on {page.url}"]
        for violation in blocking:
            lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
            for node in violation["nodes"]:
                lines.append(f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '').strip()}")
                lines.append(f"      {node.get('html', '')[:200]}")
        pytest.fail("\n".join(lines), pytrace=False)
