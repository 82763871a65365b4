"""Small screens: on a 360 px wide phone, no page scrolls sideways.

A visitor, then a member of the team, start from the home page of the demo world (`seed_demo`, built through the
apps' services) and follow every link they are offered — clicking it, never typing an address — page after page.
Each kind of page (one Django route and its query parameters) is visited up to twice. On every page: the document
is no wider than the screen, axe-core finds nothing serious or critical, and no landmark shares its role and name
with another (axe's « landmark-unique »)."""

from collections import Counter
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import Resolver404, resolve

from compagnons.accounts.models import User
from tests.e2e.conftest import BLOCKING_IMPACTS, axe_source
from tests.e2e.test_positioning import shipped_referentiel  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {"width": 360, "height": 740}
VISITS_PER_KIND = 2
# Downloads (files, JSON, images), the administration (Django's own pages) and what is not a page of ours.
SKIPPED_PREFIXES = ("/admin/", "/i18n/", "/static/", "/media/")
SKIPPED_SUFFIXES = (
    ".csv",
    ".xlsx",
    ".pdf",
    ".json",
    ".atom",
    ".zip",
    ".vcf",
    ".png",
    "/fichier/",
    "/export/",
    ".yaml",
    "/exporter/",
    ".ics",
)
SKIPPED_VIEWS = {"core:ok", "credentials:issuer", "credentials:status_list"}
# axe rules held here besides the serious and critical ones.
EXTRA_RULES = {"landmark-unique"}


@pytest.fixture(autouse=True)
def files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"


@pytest.fixture
def demo_world(charter, shipped_referentiel, live_server, settings):  # noqa: F811
    settings.SITE_URL = live_server.url
    with override_settings(DEBUG=True):  # seed_demo refuses to run otherwise
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {user.email: user for user in User.objects.filter(email__endswith="@demo.test")}


def page_kind(path: str, query: str) -> str | None:
    """The route a path resolves to, with the names of its query parameters (`?page=`, `?figure=`…)."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return " ".join([match.view_name, *sorted({key for key, _value in parse_qsl(query)})])


def problems_here(page) -> list[str]:
    """What is wrong with the page as it stands: sideways scrolling, blocking axe findings, landmark-unique."""
    found = []
    scroll_width, inner_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width > inner_width:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('main *, header *, footer *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .filter(e => !e.closest('.table-scroll'))
                .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""
        )
        found.append(f"{scroll_width}px wide for a {inner_width}px screen ({', '.join(wide)})")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    for violation in results["violations"]:
        if violation.get("impact") in BLOCKING_IMPACTS or violation["id"] in EXTRA_RULES:
            targets = "; ".join(", ".join(map(str, node["target"])) for node in violation["nodes"])
            found.append(f"axe [{violation['impact']}] {violation['id']}: {targets}")
    return found


class Crawl:
    """Depth first: on each page, click each new link, look at the page it leads to, explore it, come back."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base = urlsplit(base_url)
        self.seen: set[str] = set()
        self.kinds: Counter[str] = Counter()
        self.visited: list[str] = []
        self.problems: dict[str, list[str]] = {}

    def local(self, href: str) -> str | None:
        """The path and query of a link to one of our pages worth visiting, or None."""
        url = urlsplit(href)
        if (url.scheme, url.netloc) != (self.base.scheme, self.base.netloc):
            return None
        if url.path.startswith(SKIPPED_PREFIXES) or url.path.endswith(SKIPPED_SUFFIXES):
            return None
        return url.path + (f"?{url.query}" if url.query else "")

    def run(self, start: str) -> None:
        response = self.page.goto(start)
        assert response.ok, f"{start}: {response.status}"
        self.seen.add(start)
        self.look(start, response.status)
        self.explore()

    def look(self, where: str, status: int | None) -> None:
        self.visited.append(where)
        found = [] if status is None or status < 400 else [f"HTTP {status}"]
        found += problems_here(self.page)
        if found:
            self.problems[where] = found

    def links_here(self) -> list[tuple[str, str]]:
        """(attribute as written, resolved address) of the page's links, in the order of the page."""
        pairs = self.page.eval_on_selector_all(
            "a[href]:not([target=_blank]):not([download])", "links => links.map(a => [a.getAttribute('href'), a.href])"
        )
        return list(dict.fromkeys(map(tuple, pairs)))

    def explore(self) -> None:
        here = self.page.url
        for raw, href in self.links_here():
            target = self.local(href)
            if target is None or target in self.seen or raw.startswith("#"):
                continue
            url = urlsplit(target)
            kind = page_kind(url.path, url.query)
            if kind is None or kind.split(" ")[0] in SKIPPED_VIEWS or self.kinds[kind] >= VISITS_PER_KIND:
                continue
            self.seen.add(target)
            self.kinds[kind] += 1
            link = self.page.locator(f"a[href={raw!r}]")
            visible = link.filter(visible=True)
            with self.page.expect_navigation() as navigation:
                if visible.count():
                    visible.first.click()
                else:  # a link inside a closed <details>, for instance
                    link.first.evaluate("a => a.click()")
            response = navigation.value
            arrived = self.local(self.page.url) or self.page.url
            self.seen.add(arrived)
            self.look(target, response.status if response else None)
            self.explore()
            self.page.go_back()
            assert self.page.url == here, f"back from {target}: {self.page.url} instead of {here}"

    def report(self) -> str:
        lines = [f"{len(self.problems)} of {len(self.visited)} pages fail on a {SMALL_PHONE['width']}px phone:"]
        for where, found in self.problems.items():
            lines.append(f"- {where}")
            lines.extend(f"    {problem}" for problem in found)
        return "\n".join(lines)


# Who crawls, and the pages their links must at least reach (by route name).
PUBLIC = {"core:home", "accounts:charter", "outcomes:results", "quality:complaint_new", "core:privacy"}
PUBLIC |= {"showcase:directory", "showcase:public", "skills:referentiel", "apprenticeship:chain", "missions:list"}
CRAWLERS = {
    "visitor": (None, PUBLIC),
    "team": (
        "formateur@demo.test",
        PUBLIC
        | {"outcomes:dashboard", "outcomes:people", "outcomes:follow_ups", "outcomes:record", "core:audit_log"}
        | {"quality:home", "quality:satisfaction", "quality:complaints", "quality:complaint", "quality:actions"}
        | {"quality:action_new", "quality:action_edit", "quality:hours", "quality:exports"},
    ),
    # Members see their positioning, path and missions: the pages of the « landmark-unique » findings.
    "apprentice": ("apprenti@demo.test", PUBLIC | {"accounts:dashboard", "skills:positioning_result"}),
    "compagnon": ("compagnon@demo.test", PUBLIC | {"accounts:dashboard", "showcase:editor"}),
}


@pytest.mark.parametrize("who", CRAWLERS)
def test_no_page_scrolls_sideways_on_a_small_phone(open_browser, demo_world, who):
    email, expected = CRAWLERS[who]
    session = open_browser(viewport=SMALL_PHONE)
    if email:
        session.log_in(demo_world[email])
    crawl = Crawl(session.page, session.base_url)
    crawl.run("/")
    assert not crawl.problems, crawl.report()
    reached = {page_kind(*urlsplit(path)[2:4]).split(" ")[0] for path in crawl.visited}
    assert expected <= reached, f"not reached by links: {sorted(expected - reached)}"
