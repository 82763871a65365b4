"""Every learning page is reached by following links, signed in, from the home page and « Mon espace »: the member
from the header's « Apprendre » and their panels, the mentor from « Mon espace » to the run to debrief, the team to
every authoring page and the figures. Only GET links are followed (a form's action is not a link); the result of a
quiz is the answer to its form, not a page one links to."""

import contextlib
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve

from tests.factories.learning import finish_capsule, import_scenario, make_capsule, play, play_steps

pytestmark = pytest.mark.django_db

FOLLOWED = ("/apprendre/", "/espace/")  # the learning pages and « Mon espace », where the panels link from


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href:
            self.hrefs.append(href)


def reached(client, start: str = "/") -> set[str]:
    """The names of the learning views reached from `start`, following links breadth first (at most 300 pages)."""
    names: set[str] = set()
    seen: set[str] = set()
    queue = deque([start])
    while queue and len(seen) < 300:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        with contextlib.suppress(Resolver404):
            names.add(resolve(urlsplit(url).path).view_name)
        if not response["Content-Type"].startswith("text/html"):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            link = urlsplit(urljoin("http://testserver" + url, href))
            if link.netloc == "testserver" and link.path.startswith(FOLLOWED) and link.path not in seen:
                queue.append(link.path)
    return {name for name in names if name.startswith("learning:")}


@pytest.fixture
def content(formateur):
    capsule = make_capsule(by=formateur, competences=[])
    draft = make_capsule(by=formateur, publish=False, competences=[])
    return capsule, draft, import_scenario()


def test_a_member_reaches_every_page_of_theirs_by_links(client, apprenti, content, mentorship):
    capsule, _draft, scenario = content
    finish_capsule(capsule, apprenti)
    play(scenario, apprenti, [1, 1])
    play(scenario, apprenti, [2, 2])
    play_steps(scenario, apprenti, [1])
    client.force_login(apprenti)
    assert reached(client) >= {
        "learning:home",
        "learning:capsule",
        "learning:quiz",
        "learning:scenarios",
        "learning:scenario",
        "learning:run",
        "learning:runs_compare",
    }


def test_a_mentor_reaches_the_run_to_debrief_from_mon_espace(client, apprenti, compagnon, content, mentorship):
    _capsule, _draft, scenario = content
    play(scenario, apprenti)
    client.force_login(compagnon)
    assert {"learning:runs_to_debrief", "learning:run"} <= reached(client)


def test_the_team_reaches_every_authoring_page_and_the_figures(client, formateur, content):
    client.force_login(formateur)
    assert reached(client) >= {
        "learning:home",
        "learning:staff_capsules",
        "learning:staff_new",
        "learning:staff_import",
        "learning:staff_preview",
        "learning:staff_edit",
        "learning:staff_export",
        "learning:scenarios",
        "learning:scenario_staff",
        "learning:scenario_edit",
        "learning:scenario_export",
        "learning:scenario_figures",
    }
