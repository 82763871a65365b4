"""Every public page reachable from the home page by following links, as an anonymous visitor: none fails, none is a
dead link, and the directory, a mini-site, the référentiel, la chaîne, « le parcours » and the results are among
them (issue 22: they were public but nothing led to them)."""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.urls import reverse

from compagnons.apprenticeship import services as path_services
from compagnons.missions import services as mission_services
from compagnons.missions.models import Mission
from compagnons.showcase import services as showcase
from compagnons.showcase.models import Service
from compagnons.skills.models import Certification
from tests.factories import UserFactory
from tests.missions.conftest import CHECKLIST

pytestmark = pytest.mark.django_db

MAX_PAGES = 400
VARIANTS_PER_PATH = 3  # ?page=2, ?next=… : a few query strings per path are enough
NOT_PAGES = ("/static/", "/media/", "/admin/")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html: str, base: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        url = urlsplit(urljoin("http://testserver" + base, href))
        if url.scheme not in ("http", "https") or url.netloc != "testserver":
            continue  # another site, mailto:, tel:
        if url.path.startswith(NOT_PAGES):
            continue
        query = urlencode(sorted(parse_qsl(url.query, keep_blank_values=True)))
        found.append(url.path + (f"?{query}" if query else ""))
    return found


def crawl(client) -> dict[str, tuple[int, str]]:
    """{url: (status, the page that linked to it)}, breadth first from the home page."""
    seen: dict[str, tuple[int, str]] = {}
    variants: dict[str, int] = {}
    queue = deque([("/", "")])
    while queue and len(seen) < MAX_PAGES:
        url, source = queue.popleft()
        if url in seen:
            continue
        path = url.split("?")[0]
        if "?" in url:
            variants[path] = variants.get(path, 0) + 1
            if variants[path] > VARIANTS_PER_PATH:
                continue
        response = client.get(url)
        seen[url] = (response.status_code, source)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            queue.extend((link, url) for link in links_of(response.content.decode(), url) if link not in seen)
    return seen


@pytest.fixture
def demo_like(settings, tmp_path, formateur, client_user):
    """What a visitor meets on a live site: a compagnon's published page (through showcase's services), a published
    mission, a chain of two generations."""
    settings.MEDIA_ROOT = tmp_path / "media"
    compagnon = UserFactory(compagnon=True, first_name="Jean-Pierre", last_name="Dubois", trade="Graphisme")
    apprentice = UserFactory(apprentice=True, first_name="Léa", last_name="Martin")
    profile = showcase.profile_of(compagnon)
    profile.headline = "Graphiste pour les associations"
    profile.audience = "Associations et artisans."
    profile.save()
    Service.objects.create(profile=profile, title="Logo", price_cents=90000, unit="fixed", hours=24)
    showcase.add_portfolio_item(profile, by=compagnon, title="Affiche", link="https://exemple.org/affiche")
    showcase.publish(profile, by=compagnon)
    path_services.assign_mentor(apprentice, compagnon, by=formateur)
    mission = Mission.objects.create(
        client=client_user,
        title="Une affiche pour la fête du quartier",
        context="Une association.",
        deliverables="Une affiche.",
        starts_on="2030-01-10",
        deadline="2030-02-10",
        budget_cents=50_000,
        estimated_hours=20,
    )
    mission.competences.set(Certification.objects.current().competences.all()[:1])
    mission_services.submit(mission, by=client_user)
    mission_services.publish(mission, by=formateur, checklist=CHECKLIST)
    return {"profile": profile, "mission": mission}


def test_every_public_page_is_reachable_and_none_fails(client, demo_like):
    pages = crawl(client)
    failed = {url: found for url, found in pages.items() if found[0] >= 500}
    assert not failed, f"Server errors (status, linked from): {failed}"
    dead = {url: found for url, found in pages.items() if found[0] in (403, 404, 405, 410)}
    assert not dead, f"Dead or refused links for a visitor (status, linked from): {dead}"
    assert len(pages) < MAX_PAGES, "The crawl stopped before the end: raise MAX_PAGES"

    reached = {url.split("?")[0] for url, (status, _source) in pages.items() if status == 200}
    expected = {
        "the directory": reverse("showcase:directory"),
        "a mini-site": demo_like["profile"].get_absolute_url(),
        "the référentiel": reverse("skills:referentiel"),
        "la chaîne": reverse("apprenticeship:chain"),
        "le parcours": reverse("outcomes:path"),
        "the results": reverse("outcomes:results"),
        "the missions": reverse("missions:list"),
        "a published mission": demo_like["mission"].get_absolute_url(),
        "sign-up": reverse("account_signup"),
    }
    missing = {name: url for name, url in expected.items() if url not in reached}
    assert not missing, f"Not reachable by links from the home page: {missing}"


def test_the_header_leads_a_visitor_to_each_public_part(client, demo_like):
    """Not only somewhere on the site: one click from the home page's header."""
    html = client.get("/").content.decode()
    header = html.split("<header", 1)[1].split("</header>", 1)[0]
    for name in (
        "showcase:directory",
        "missions:list",
        "outcomes:path",
        "apprenticeship:chain",
        "outcomes:results",
        "account_signup",
        "account_login",
    ):
        assert f'href="{reverse(name)}"' in header, name
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert f'href="{reverse("skills:referentiel")}"' in main


def test_members_keep_their_own_header(client, apprenti):
    client.force_login(apprenti)
    header = client.get("/").content.decode().split("<header", 1)[1].split("</header>", 1)[0]
    assert f'href="{reverse("accounts:dashboard")}"' in header
    assert f'href="{reverse("account_signup")}"' not in header
