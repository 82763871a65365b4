"""The soak run's people (locust, headless; started by bench/soak.py, which says where the server and the personas
are). Everyone goes through the real pages and forms: the allauth login form (and its TOTP step for the team), the
CSRF token of every form, the hidden idempotency keys. Loopback only: soak.py refuses any other host.

- visitors browse the public pages (home, missions, directory, a mini-site, results, community, a credential);
- apprentices sign in, read their space, confirm the sessions their compagnon logged and the help declared to them;
- compagnons sign in, log a mentoring session, declare help given in the ledger, apply to a mission (then withdraw,
  so that the cap of open applications never refuses them);
- clients sign in and read their missions and the applications received;
- one member of the team signs in with double authentication and reads the team's pages.
"""

import base64
import datetime
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from html.parser import HTMLParser

from locust import HttpUser, between, task

PASSWORD = "compagnons-bench"
PERSONAS = json.loads(open(os.environ["SOAK_PERSONAS"]).read())  # noqa: SIM115 - read once at start
_pair_numbers = {"apprentice": itertools.count(), "compagnon": itertools.count(), "client": itertools.count()}


def next_of(kind: str, items: list):
    """Each simulated person of a kind takes the next member of the list (pairs: apprentice i and compagnon i are a
    mentorship, so the sessions one logs are the ones the other confirms)."""
    return items[next(_pair_numbers[kind]) % len(items)]


class Forms(HTMLParser):
    """The forms of a page: their action and their fields with the values a browser would send untouched."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "method": (a.get("method") or "get").lower(), "f": {}})
        if not self.forms:
            return
        fields = self.forms[-1]["f"]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a or (kind == "radio" and name not in fields):
                    fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and (self._select not in fields or "selected" in a):
            fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["f"][self._textarea] += data


def form_of(html: str, action_part: str = "", needs: str = "csrfmiddlewaretoken") -> dict | None:
    """The first form whose action holds `action_part` and that has the field `needs` (and a CSRF token)."""
    parser = Forms()
    parser.feed(html)
    for form in parser.forms:
        if action_part in form["action"] and needs in form["f"] and "csrfmiddlewaretoken" in form["f"]:
            return form
    return None


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238, six digits, 30 s: what the staff member's authenticator app shows."""
    counter = int((at or time.time()) // 30)
    digest = hmac.new(base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


class Member(HttpUser):
    abstract = True
    wait_time = between(2, 8)  # a person reads a page before the next click
    email = ""

    def page(self, path: str, name: str):
        """A page of a signed-in member: 200 or an error (a redirect to the login form is a lost session)."""
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as got:
            if got.status_code != 200:
                got.failure(f"{name}: {got.status_code} {got.headers.get('Location', '')}")
            return got

    def post_form(
        self, page: str, needs: str, values: dict, *, name: str, action: str = "", expect=(200, 302), optional=False
    ):
        """GET the page, fill its form (CSRF and hidden fields as served) and POST it. A refusal is a page (200),
        not an error; so is a page without the form when `optional` (a mission already applied to shows the
        application instead)."""
        with self.client.get(page, name=f"{name} (form)", catch_response=True) as got:
            form = form_of(got.text, action, needs)
            if got.status_code != 200 or form is None:
                if not (optional and got.status_code == 200):
                    got.failure(f"no form with {needs!r} on {page} ({got.status_code})")
                return None
        data = {**form["f"], **{k: v() if callable(v) else v for k, v in values.items()}}
        with self.client.post(
            form["action"] or page, data=data, name=name, allow_redirects=False, catch_response=True
        ) as sent:
            if sent.status_code not in expect:
                sent.failure(f"{name}: {sent.status_code}")
            return sent

    def sign_in(self):
        response = self.post_form(
            "/comptes/login/", "password", {"login": self.email, "password": PASSWORD}, name="sign in", expect=(302,)
        )
        if response is None or response.status_code != 302:
            return
        if "/2fa/" in response.headers.get("Location", ""):
            self.second_factor(response.headers["Location"])

    def second_factor(self, location: str):
        """The code of the current 30 s window, read when the form is filled (as a person reads the app)."""
        secret = PERSONAS["staff"]["totp_secret"]
        self.post_form(location, "code", {"code": lambda: totp(secret)}, name="sign in: TOTP code", expect=(302,))


class Visitor(HttpUser):
    weight = 6
    wait_time = between(2, 8)

    @task(3)
    def home(self):
        self.client.get("/", name="home")

    @task(3)
    def missions(self):
        self.client.get("/missions/", name="missions")
        self.client.get("/missions/?q=site", name="mission search")

    @task(2)
    def directory(self):
        self.client.get("/annuaire/", name="directory")
        if PERSONAS["profile"]:
            self.client.get(f"/c/{PERSONAS['profile']}/", name="mini-site")

    @task(1)
    def public_pages(self):
        for path, name in (
            ("/resultats/", "public results"),
            ("/le-parcours/", "le parcours"),
            ("/charte/", "charter"),
        ):
            self.client.get(path, name=name)

    @task(2)
    def community(self):
        self.client.get("/entraide/", name="community")
        self.client.get("/entraide/recherche/?q=devis", name="community search")

    @task(1)
    def credential(self):
        if PERSONAS["credential"]:
            self.client.get(f"/verifier/{PERSONAS['credential']}/", name="credential verification")


class Apprentice(Member):
    weight = 4

    def on_start(self):
        self.pair = next_of("apprentice", PERSONAS["pairs"])
        self.email = self.pair["apprentice"]
        self.sign_in()

    @task(3)
    def my_space(self):
        self.page("/espace/", name="dashboard")
        self.page("/apprendre/", name="learning home")

    @task(3)
    def confirm_sessions(self):
        page = self.page("/parcours/seances/", name="sessions")
        for action in re.findall(r'action="(/parcours/seances/\d+/confirmer/)"', page.text)[:2]:
            form = form_of(page.text, action)
            self.client.post(action, data=form["f"], name="confirm a session", allow_redirects=False)

    @task(2)
    def confirm_help(self):
        page = self.page("/contreparties/", name="contributions")
        for action in re.findall(r'action="(/contreparties/\d+/confirmer/)"', page.text)[:2]:
            form = form_of(page.text, action)
            self.client.post(action, data=form["f"], name="confirm help received (ledger)", allow_redirects=False)

    @task(1)
    def coaching(self):
        self.page("/coaching/", name="coaching slots")


class Compagnon(Member):
    weight = 3

    def on_start(self):
        self.pair = next_of("compagnon", PERSONAS["pairs"])
        self.email = self.pair["compagnon"]
        self.sign_in()

    @task(2)
    def my_space(self):
        self.page("/espace/", name="dashboard")
        self.page("/missions/recommandees/", name="recommended missions")

    @task(2)
    def log_a_session(self):
        self.post_form(
            f"/parcours/accompagnements/{self.pair['mentorship']}/seance/",
            "duration_minutes",
            {
                # one session a day per mentorship: a day of the last two months (a day already noted is refused,
                # on the page, as it would be for a person)
                "date": (datetime.date.today() - datetime.timedelta(days=random.randint(1, 60))).isoformat(),
                "duration_minutes": "60",
                "notes": "Devis et relances clients.",
                "next_steps": "Refaire le devis.",
            },
            name="log a mentoring session",
        )

    @task(2)
    def declare_help(self):
        self.post_form(
            "/contreparties/declarer/",
            "minutes",
            {"email": self.pair["apprentice"], "kind": "coaching", "minutes": "30", "note": "Relecture d'un devis."},
            name="declare help given (ledger)",
        )

    @task(1)
    def apply_then_withdraw(self):
        mission = random.choice(PERSONAS["missions"])
        sent = self.post_form(
            f"/missions/{mission}/",
            "message",
            {"message": "Disponible la semaine prochaine, devis sous 48 h."},
            name="apply",
            optional=True,
        )
        location = sent.headers.get("Location", "") if sent is not None else ""
        found = re.search(r"/missions/candidatures/(\d+)/", location)
        if found:
            self.post_form(location, "csrfmiddlewaretoken", {}, action="retirer", name="withdraw an application")


class Client(Member):
    weight = 2

    def on_start(self):
        self.mine = next_of("client", PERSONAS["clients"])
        self.email = self.mine["email"]
        self.sign_in()

    @task
    def missions(self):
        self.page("/espace/", name="dashboard")
        self.page("/missions/mes-missions/", name="my missions")
        self.page(f"/missions/{self.mine['mission']}/candidatures/", name="applications received")


class Staff(Member):
    fixed_count = 1  # one member of the team at a time: the TOTP code of a 30 s window is accepted once

    def on_start(self):
        self.email = PERSONAS["staff"]["email"]
        self.sign_in()

    @task
    def team_pages(self):
        for path, name in (
            ("/espace/", "dashboard"),
            ("/equipe/journal/", "audit log"),
            ("/equipe/taches/", "failed tasks"),
            ("/equipe/contreparties/", "contributions below floor"),
            ("/suivi/tableau/", "outcomes dashboard"),
        ):
            self.page(path, name=name)
