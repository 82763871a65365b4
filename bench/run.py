"""`make bench`: build the scale data set once, serve it with gunicorn and load-test the key pages.

Runs on loopback only. Prints, per page: requests per second, p50 and p99 latency, SQL queries per request
(from the X-Query-Count header) and the throughput relative to the bare "ok" view measured in the same run.
See bench/README.md.
"""

import argparse
import base64
import dataclasses
import hashlib
import hmac
import http.client
import itertools
import json
import multiprocessing
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote_plus, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import (  # noqa: E402 - the repository root must be on the path first
    BENCH_APPRENTICE,
    BENCH_CLIENT,
    BENCH_COMPAGNON,
    BENCH_FORMATEUR,
    BENCH_PASSWORD,
    BENCH_TOTP_SECRET,
    DEFAULT_AUDIT_PER_USER,
    DEFAULT_USERS,
    report,
)

VAR = ROOT / "var"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
BENCH_ISSUER_URL = "https://banc.compagnons.test"
SECRET_KEY = "bench-only-secret-key-never-used-in-production-0123456789abcdef"

# Who the load generator logs in as: name -> e-mail (password BENCH_PASSWORD, see bench/scale/accounts.py).
ACCOUNTS = {
    "apprenti": BENCH_APPRENTICE,
    "formateur": BENCH_FORMATEUR,
    "compagnon": BENCH_COMPAGNON,
    "client": BENCH_CLIENT,
}


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    account: str | None = None  # a key of ACCOUNTS, or None for an anonymous visitor
    token: bool = False  # the account calls with a personal access token (the API) rather than its session
    # A search: `{term}` in the path takes each of these in turn (already URL-encoded), a different one per request
    # and per client, so that no cache of one query makes the search look fast.
    terms: tuple[str, ...] = ()

    @property
    def public(self) -> bool:
        """A public page (anonymous visitor) has the higher bar; a signed-in page the lower one (bench/report.py)."""
        return self.account is None

    def paths(self) -> list[str]:
        return [self.path.replace("{term}", term) for term in self.terms] if self.terms else [self.path]


def _q(*words: str) -> tuple[str, ...]:
    return tuple(quote_plus(w) for w in words)


# Words of the seeded missions' titles, contexts and deliverables (bench/scale/missions.py), and a few that match
# nothing: a search that finds nothing must be as quick as one that finds many.
MISSION_TERMS = _q(
    "agenda", "factures", "plaquette", "relecture", "vitrine", "transcription", "réseaux sociaux", "impayés",
    "brochure", "artisan", "avocats", "inscriptions", "vidéo", "standard téléphonique", "cabinet", "association",
    "kinésithérapie", "compte rendu", "menuiserie", "boulangerie", "tableau de suivi", "rendez-vous", "fiches",
    "librairie",
)  # fmt: skip
# Trades (the seeded members' trades, bench/scale/accounts.py) crossed with regions, and some alone.
DIRECTORY_TERMS = tuple(
    f"trade={quote_plus(trade)}" + (f"&region={region}" if region else "")
    for trade, region in itertools.product(
        ("graph", "secrét", "web", "compta", "traduction", "paie", "vidéo", "SEO", "illustr", "saisie", "client"),
        ("BRE", "OCC", "IDF", "", "ARA", "NAQ"),
    )
)


# What the community search bench asks, one per request: common and rare words, prefixes, two and three words.
COMMUNITY_SEARCHES = (
    "acompte sauvegarde",
    "facture",
    "relance client",
    "urssaf attestation",
    "portage",
    "devis compagnon",
    "traduction mot",
    "tableur",
    "médiation désaccord",
    "factur",
    "avenant malentendus",
    "logiciel libre",
    "cadrage trente minutes",
    "pénalités retard",
    "concentration matin",
    "sauvegarde hors ligne",
)

# The bare view first: every other page is compared with it. Later issues append their key pages.
# `{name}` in a path is a primary key of the data set, from `manage.py seed_scale --ids` (see bench_ids).
BASELINE = Page("bare view", "/ok")
PAGES = [
    BASELINE,
    Page("home", "/"),
    Page("charter", "/charte/"),
    Page("login form", "/comptes/login/"),
    Page("dashboard (apprenti)", "/espace/", "apprenti"),
    Page("dashboard (formateur)", "/espace/", "formateur"),
    Page("profile (apprenti)", "/espace/profil/", "apprenti"),
    Page("audit log (formateur)", "/equipe/journal/", "formateur"),
    Page("failed tasks (formateur)", "/equipe/taches/", "formateur"),
    Page("référentiel", "/referentiel/"),
    Page("positioning result (apprenti)", "/positionnement/{positioning}/", "apprenti"),
    Page("positioning queue (formateur)", "/equipe/positionnements/", "formateur"),
    Page("dashboard (compagnon)", "/espace/", "compagnon"),
    Page("sessions (apprenti)", "/parcours/seances/", "apprenti"),
    Page("plan (apprenti)", "/parcours/plan/{apprentice}/", "apprenti"),
    Page("carnet de route (apprenti)", "/parcours/carnet/{apprentice}/", "apprenti"),
    Page("cohort roster (formateur)", "/equipe/promotions/{cohort}/", "formateur"),
    Page("la chaîne (visitor)", "/chaine/"),
    Page("missions (visitor)", "/missions/"),
    Page("mission search (visitor)", "/missions/?q={term}", terms=MISSION_TERMS),
    Page("recommended missions (compagnon)", "/missions/recommandees/", "compagnon"),
    Page("mission page (compagnon)", "/missions/{mission}/", "compagnon"),
    Page("applications received (client)", "/missions/{mission}/candidatures/", "client"),
    Page("dashboard (client)", "/espace/", "client"),
    Page("contributions (compagnon)", "/contreparties/", "compagnon"),
    Page("contributions (apprenti)", "/contreparties/", "apprenti"),
    Page("contributions below floor (formateur)", "/equipe/contreparties/", "formateur"),
    Page("member's contributions (formateur)", "/equipe/contreparties/{compagnon}/", "formateur"),
    Page("directory (visitor)", "/annuaire/"),
    Page("directory search (visitor)", "/annuaire/?{term}", terms=DIRECTORY_TERMS),
    Page("mini-site (visitor)", "/c/{profile}/"),
    Page("mini-site preview (compagnon)", "/vitrine/apercu/", "compagnon"),
    Page("outcomes dashboard (formateur)", "/suivi/tableau/", "formateur"),
    Page("outcomes dashboard, one year (formateur)", "/suivi/tableau/?year=2024", "formateur"),
    Page("people behind a rate (formateur)", "/suivi/tableau/personnes/?figure=ins-6-holders-in_work", "formateur"),
    Page("surveys without answer (formateur)", "/suivi/enquetes/", "formateur"),
    Page("public results (visitor)", "/resultats/"),
    Page("le parcours (visitor)", "/le-parcours/"),
    Page("quality dashboard (formateur)", "/equipe/qualite/", "formateur"),
    Page("satisfaction by cohort (formateur)", "/equipe/qualite/satisfaction/", "formateur"),
    Page("training hours (formateur)", "/equipe/qualite/heures/", "formateur"),
    Page("complaints register (formateur)", "/equipe/qualite/reclamations/", "formateur"),
    Page("improvement actions (formateur)", "/equipe/qualite/actions/", "formateur"),
    Page("attendance sheet (formateur)", "/parcours/emargement/{apprentice}/", "formateur"),
    Page("jury sessions (formateur)", "/equipe/jurys/", "formateur"),
    Page("jury room (formateur)", "/jurys/{jury}/", "formateur"),
    Page("jury decision (formateur)", "/certification/decisions/{decision}/", "formateur"),
    Page("my juries (compagnon)", "/jurys/", "compagnon"),
    Page("credential verification (visitor)", "/verifier/{credential}/"),
    Page("coaching slots (apprenti)", "/coaching/", "apprenti"),
    Page("coaching slots by topic (apprenti)", "/coaching/?topic=4", "apprenti"),
    Page("mes réservations (apprenti)", "/coaching/reservations/", "apprenti"),
    Page("coach's slots (compagnon)", "/coaching/coach/", "compagnon"),
    Page("busy coach's calendar feed", "/coaching/agenda/{coaching_feed}.ics"),
    Page("issuer DID document (visitor)", "/.well-known/did.json"),
    Page("my credentials (compagnon)", "/espace/titres/", "compagnon"),
    Page("other houses (formateur)", "/equipe/titres/maisons/", "formateur"),
    Page("community categories (visitor)", "/entraide/"),
    Page("community category (visitor)", "/entraide/c/entraide/"),
    Page("community long thread, page 10 (compagnon)", "/entraide/discussions/{thread}/?page=10", "compagnon"),
    Page("community search (visitor)", "/entraide/recherche/?q={term}", terms=_q(*COMMUNITY_SEARCHES)),
    Page("learning home (apprenti)", "/apprendre/", "apprenti"),
    Page("capsule page (apprenti)", "/apprendre/capsules/bench-capsule-0001/", "apprenti"),
    Page("capsule quiz (apprenti)", "/apprendre/capsules/bench-capsule-0001/quiz/", "apprenti"),
    Page("scenario play step (apprenti)", "/apprendre/situations/parties/{scenario_play}/", "apprenti"),
    Page("scenario run review (compagnon, mentor)", "/apprendre/situations/parties/{scenario_run}/", "compagnon"),
    Page("scenario figures (formateur)", "/apprendre/situations/equipe/{scenario}/chiffres/", "formateur"),
    Page("funding plans (formateur)", "/equipe/financement/plans/", "formateur"),
    Page("funding plans not covered, page 20 (formateur)", "/equipe/financement/plans/?gap=on&page=20", "formateur"),
    Page("BPF of last year (formateur)", "/equipe/financement/bpf/", "formateur"),
    Page("receivables (formateur)", "/equipe/financement/creances/", "formateur"),
    Page("overdue receivables (formateur)", "/equipe/financement/creances/?echues=1", "formateur"),
    Page("invoices, page 20 (formateur)", "/equipe/financement/factures/?page=20", "formateur"),
    Page("invoice page (formateur)", "/equipe/financement/factures/{invoice}/", "formateur"),
    Page("invoice Factur-X PDF (formateur)", "/equipe/financement/factures/{invoice}/facture.pdf", "formateur"),
    Page("my invoices (apprenti)", "/mon-financement/factures/", "apprenti"),
    Page("API: published missions (visitor)", "/api/v1/missions"),
    Page("API: published missions, filtered (visitor)", "/api/v1/missions?remote=true&budget_min=500&limit=50"),
    Page("API: a mini-site (visitor)", "/api/v1/sites/{profile}"),
    Page("API: my profile (compagnon, token)", "/api/v1/moi", "compagnon", token=True),
]


@dataclass
class Result:
    page: Page
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000

    def queries_label(self) -> str:
        if not self.queries:
            return "?"
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}-{high}"


# --- Database, static files, server ----------------------------------------------------------


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{VAR / 'bench.sqlite3'}"


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` if it does not exist yet."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    params = {
        "host": parts.hostname or "localhost",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created PostgreSQL database {name}.")


def server_env(db_url: str, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS=HOST,
        SITE_URL=f"http://{HOST}:{port}",
        DATABASE_URL=db_url,
        QUERY_COUNT_HEADER="1",
        LOGIN_RATE_LIMIT="100000/m/ip,100000/m/key",
        STATIC_ROOT=str(VAR / "bench-static"),
        # the credentials the seeder issues verify whatever port this run serves on; their key stays out of var/keys
        CREDENTIALS_ISSUER_URL=BENCH_ISSUER_URL,
        CREDENTIALS_KEY_DIR=str(VAR / "bench-keys"),
        LOG_LEVEL="WARNING",
        # the API's rate limits still count every request, but never refuse the load generator
        API_RATE_LIMIT_PER_IP="100000000",
        API_RATE_LIMIT_PER_TOKEN="100000000",
        # as in production, staff use double authentication: the bench logs bench-formateur in with their TOTP code
        STAFF_MFA_REQUIRED="1",
    )
    env.pop("COMPAGNONS_TESTING", None)
    return env


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=check)


def prepare_database(env: dict[str, str], users: int, audit_per_user: int, seed: bool = True) -> float | None:
    """Migrate the bench database and seed it unless it is already seeded. Returns the seed time, if any."""
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "createcachetable", "-v", "0")
    if not seed:
        return None
    seed_args = ["seed_scale", "--users", str(users), "--audit-per-user", str(audit_per_user)]
    seed_env = {**env, "DEBUG": "1"}  # seed_scale creates known passwords, so it wants DEBUG on
    if manage(seed_env, *seed_args, "--check", check=False).returncode == 0:
        return None
    started = time.perf_counter()
    manage(seed_env, *seed_args)
    return time.perf_counter() - started


def bench_ids(env: dict[str, str]) -> dict[str, int | str]:
    """The keys the page paths need (bench-apprenti and their latest bilan, their cohort, a mission,
    bench-compagnon and the slug of their mini-site, bench-formateur's jury, its first decision, a credential)."""
    out = subprocess.run(
        [sys.executable, "manage.py", "seed_scale", "--ids"],
        cwd=ROOT,
        env={**env, "DEBUG": "1"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def api_token(env: dict[str, str], email: str) -> str:
    """A personal access token of the bench account (read:profile, one day), made by the API's own service."""
    code = (
        "from compagnons.accounts.models import User; from compagnons.api import services; "
        f"u = User.objects.get(email={email!r}); "
        "print(services.create_token(u, name='bench', scopes=['read:profile'], days=1, by=u)[1])"
    )
    command = [sys.executable, "manage.py", "shell", "-c", code]
    out = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, workers: int, log_path: Path) -> subprocess.Popen:
    command = [
        str(BIN / "gunicorn"),
        "config.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--no-control-socket",
    ]
    log = log_path.open("w")
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {proc.returncode}; see {log_path}")
        try:
            if fetch(port, "/ok")[0] == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.2)
    stop_gunicorn(proc)
    raise SystemExit(f"gunicorn did not answer on port {port} within 30 s; see {log_path}")


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


# --- HTTP -----------------------------------------------------------------------------------


def fetch(
    port: int, path: str, *, method: str = "GET", cookies: dict[str, str] | None = None, body: bytes | None = None
) -> tuple[int, dict[str, str], str]:
    """One request on a fresh connection: status, the cookies it sets, the body."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Cookie": cookie_header(cookies)} if cookies else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        text = resp.read().decode("utf-8", "replace")
        jar = SimpleCookie()
        for value in resp.headers.get_all("Set-Cookie") or []:
            jar.load(value)
        return resp.status, {k: m.value for k, m in jar.items()}, text
    finally:
        conn.close()


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


CSRF_INPUT = re.compile(r"<input[^>]*name=\"csrfmiddlewaretoken\"[^>]*>")
VALUE = re.compile(r"value=\"([^\"]+)\"")


def form_token(html: str) -> str | None:
    tag = CSRF_INPUT.search(html)
    return VALUE.search(tag.group(0)).group(1) if tag else None


def totp_code(secret: str, at: float | None = None, period: int = 30, digits: int = 6) -> str:
    """The authenticator app's code (RFC 6238, HMAC-SHA1), as allauth MFA checks it."""
    counter = int((time.time() if at is None else at) // period)
    digest = hmac.new(base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}}"


MFA_PATH = "/comptes/2fa/authenticate/"


def pass_mfa(port: int, email: str, cookies: dict[str, str]) -> None:
    """The second step of a staff login: the authenticator code. allauth refuses a code used in the last 90 s
    (an earlier bench run may have used it): then wait for the next one."""
    for _attempt in range(4):
        status, new_cookies, html = fetch(port, MFA_PATH, cookies=cookies)
        cookies.update(new_cookies)
        token = form_token(html)
        if status != 200 or not token:
            raise SystemExit(f"Double authentication page for {email}: status {status}, no CSRF token found.")
        form = urlencode({"csrfmiddlewaretoken": token, "code": totp_code(BENCH_TOTP_SECRET)}).encode()
        status, new_cookies, _html = fetch(port, MFA_PATH, method="POST", cookies=cookies, body=form)
        cookies.update(new_cookies)
        if status == 302:
            return
        time.sleep(31 - time.time() % 30)
    raise SystemExit(f"Double authentication for {email} refused (is the seeder's authenticator there?).")


def login(port: int, email: str) -> dict[str, str]:
    """Log in for real through the allauth form (and the authenticator code for staff); returns the session cookies."""
    status, cookies, html = fetch(port, "/comptes/login/")
    token = form_token(html)
    if status != 200 or not token or "csrftoken" not in cookies:
        raise SystemExit(f"Login page: status {status}, no CSRF token found.")
    form = urlencode({"csrfmiddlewaretoken": token, "login": email, "password": BENCH_PASSWORD}).encode()
    status, new_cookies, _html = fetch(port, "/comptes/login/", method="POST", cookies=cookies, body=form)
    cookies.update(new_cookies)
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"Login as {email} failed: status {status}, cookies {sorted(cookies)}.")
    if email == BENCH_FORMATEUR:
        pass_mfa(port, email, cookies)
    status, new_cookies, _html = fetch(port, "/espace/", cookies=cookies)
    if status != 200:
        print(f"Warning: logged in as {email} but /espace/ answers {status} (see the server log).")
    # as a browser would: the « signed in » flash message shown, its cookie is emptied (kept, every page showed it)
    cookies.update(new_cookies)
    return {name: value for name, value in cookies.items() if value}


def client(args: tuple[int, list[str], int, str, float, float]) -> tuple[float, list[float], list[int], Counter]:
    """One simulated visitor: request the page's paths in turn (from the `offset`-th) back to back from `start`
    for `duration` seconds."""
    port, paths, offset, cookie, start, duration = args
    # A personal access token (the API's pages) or a session cookie.
    headers = {"Authorization": cookie} if cookie.startswith("Bearer ") else {"Cookie": cookie} if cookie else {}
    conn = http.client.HTTPConnection(HOST, port, timeout=30)  # reconnects when the server closes
    latencies: list[float] = []
    queries: list[int] = []
    errors: Counter = Counter()
    turn = itertools.islice(itertools.cycle(paths), offset % len(paths), None)
    time.sleep(max(0.0, start - time.time()))
    end = start + duration
    while time.time() < end:
        path = next(turn)
        began = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            resp.read()
        except (OSError, http.client.HTTPException) as exc:
            errors[type(exc).__name__] += 1
            conn.close()
            continue
        latencies.append(time.perf_counter() - began)
        if resp.status != 200:
            errors[f"HTTP {resp.status}"] += 1
        count = resp.getheader("X-Query-Count")
        if count is not None:
            queries.append(int(count))
    conn.close()
    return time.time() - start, latencies, queries, errors


def client_process_setup() -> None:
    """A client process ignores Ctrl-C (the bench's own process gets it, stops them and then the server) and dies at
    once on SIGTERM, which the pool sends it when it closes: the handler the bench sets for itself (`sys.exit`), kept
    through the fork, once left a client blocked on a lock while exiting, and the run hung after its last page."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def measure(pool, port: int, page: Page, cookie: str, concurrency: int, duration: float, round_: int = 0) -> Result:
    """Load one page; with search terms, each client starts at a different term (and the next round further on)."""
    start = time.time() + 0.2
    result = Result(page)
    paths = page.paths()
    jobs = [(port, paths, round_ * concurrency + n, cookie, start, duration) for n in range(concurrency)]
    for seconds, latencies, queries, errors in pool.map(client, jobs):
        result.seconds = max(result.seconds, seconds)
        result.latencies += latencies
        result.queries += queries
        result.errors += errors
    return result


def worker_rss(master_pid: int) -> dict[int, int]:
    """The resident memory (bytes) of each gunicorn worker, the master's children (Linux /proc; {} elsewhere)."""
    rss = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master_pid) and "VmRSS" in fields:
            rss[int(status.parent.name)] = int(fields["VmRSS"].split()[0]) * 1024
    return rss


# --- Report ---------------------------------------------------------------------------------


def to_rows(results: list[Result], bare_samples: list[float] = ()) -> list[report.Row]:
    """Each page's row; its ratio is against the bare view measured around it (`report.around`) when the run
    measured it there (`bare_samples`: before each page and after the last), else against the bare view's first
    measure."""
    base = next((r.rps for r in results if r.page == BASELINE), 0.0)
    pages, samples = [r for r in results if r.page != BASELINE], list(bare_samples)
    bare = {id(r): (report.around(samples, n) or base) for n, r in enumerate(pages)}
    return [
        report.Row(
            name=r.page.name,
            path=r.page.path,
            public=r.page.public,
            rps=r.rps,
            p50_ms=r.percentile(0.50),
            p99_ms=r.percentile(0.99),
            queries_min=min(r.queries) if r.queries else None,
            queries_max=max(r.queries) if r.queries else None,
            ratio=(r.rps / bare[id(r)]) if bare.get(id(r)) else None,
            errors=sum(r.errors.values()) + (0 if r.latencies else 1),
            bare_rps=bare.get(id(r)) or None,
        )
        for r in results
    ]


def print_table(results: list[Result], rows: list[report.Row], bare_samples: list[float] = ()) -> None:
    lines = [
        ("page", "path", "who", "req/s", "p50 ms", "p99 ms", "queries/req", "bare req/s", "vs bare", "errors", "bar")
    ]
    for r, row in zip(results, rows, strict=True):
        errors = ", ".join(f"{k}×{v}" for k, v in r.errors.most_common()) or "-"
        lines.append(
            (
                r.page.name,
                r.page.path,
                "public" if r.page.public else "signed-in",
                f"{r.rps:.0f}",
                f"{r.percentile(0.50):.1f}",
                f"{r.percentile(0.99):.1f}",
                r.queries_label(),
                f"{row.bare_rps:.0f}" if row.bare_rps else "-",
                "1.00" if r.page == BASELINE else report.ratio_label(row),
                errors,
                report.bar_verdict(row),
            )
        )
    print(report.format_table(lines, left={0, 1, 2, 9, 10}))
    if bare_samples:
        ordered = sorted(bare_samples)
        print(
            f"\nThe bare view, measured again before each page and after the last ({len(ordered)} times): "
            f"median {ordered[len(ordered) // 2]:.0f} req/s, from {ordered[0]:.0f} to {ordered[-1]:.0f}. "
            "A page's « vs bare » is against the mean of the two measures around it (« bare req/s »)."
        )
    short = sum(1 for row in rows if report.bar_problems(row))
    print(
        f"\nBar (issue 21): public pages ≥ {report.PUBLIC_MIN_RATIO:g} of the bare view, signed-in pages ≥ "
        f"{report.SIGNED_IN_MIN_RATIO:g}, p99 ≤ {report.MAX_P99_MS:g} ms, ≤ {report.MAX_QUERIES} queries: "
        f"{len(rows) - 1 - short} ok, {short} short."
    )


def print_rss(rss: dict[int, int]) -> None:
    if not rss:
        print("gunicorn workers' memory: unknown (no /proc).")
        return
    for pid, size in sorted(rss.items()):
        flag = "" if size < 200 * 2**20 else "  (above 200 MB)"
        print(f"gunicorn worker {pid}: {size / 2**20:.0f} MB RSS after the run{flag}")


def git_commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return out.stdout.strip()


def show_comparison(which: str, saved: Path, engine: str, rows: list[report.Row]) -> None:
    earlier = report.previous_run(VAR, before=saved, engine=engine) if which == "previous" else Path(which)
    if earlier is None or not earlier.exists():
        print(f"\nNo earlier run on {engine} to compare with." if earlier is None else f"\n{earlier} not found.")
        return
    meta, before = report.load_run(earlier)
    print(f"\nChange against {earlier.name} (commit {meta.get('commit', '?')}, {meta.get('users', '?')} members):")
    print(report.format_table(report.compare(before, rows), left={0}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=int(os.environ.get("BENCH_USERS", DEFAULT_USERS)))
    parser.add_argument("--audit-per-user", type=int, default=DEFAULT_AUDIT_PER_USER)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of load per page")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of unmeasured load per page")
    parser.add_argument(
        "--bare-check",
        type=float,
        default=1.0,
        metavar="S",
        help="seconds of load on the bare view before each page and after the last: each page's ratio is against "
        "the bare view around it (0: only the bare view's first measure)",
    )
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--pages", nargs="*", default=[], help="only pages whose path or name contains one of these")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="serve with FRAGMENT_CACHE=0: what the pages cost when core.fragments' cache misses",
    )
    parser.add_argument(
        "--no-seed",
        action="store_true",
        help="use the database as it is, never seed it (a part of the data set, seeded with `seed_scale --only`)",
    )
    parser.add_argument(
        "--compare",
        nargs="?",
        const="previous",
        metavar="RUN.json",
        help="after the table, the change against a saved run (default: the previous one on the same database kind)",
    )
    options = parser.parse_args()

    sys.stdout.reconfigure(line_buffering=True)  # keep our lines in order with the subprocesses' output
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C stops the server, even in the background
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    VAR.mkdir(exist_ok=True)
    db_url = database_url()
    if db_url.startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(db_url)
    port = free_port()
    env = server_env(db_url, port)
    if options.cold:
        env["FRAGMENT_CACHE"] = "0"

    print(f"Bench database: {db_url}")
    seed_seconds = prepare_database(env, options.users, options.audit_per_user, seed=not options.no_seed)
    if seed_seconds is None:
        print(f"Already seeded ({options.users} members).")
    else:
        print(f"Seeded {options.users} members in {seed_seconds:.0f} s.")
    manage(env, "collectstatic", "--no-input", "-v", "0")

    ids = bench_ids(env)
    pages = [
        dataclasses.replace(p, path=p.path.format(**ids, term="{term}"))
        for p in PAGES
        if p == BASELINE or not options.pages or any(s in p.path or s in p.name for s in options.pages)
    ]
    log_path = VAR / "bench-gunicorn.log"
    proc = start_gunicorn(env, port, options.workers, log_path)
    try:
        sessions = {
            name: cookie_header(login(port, email))
            for name, email in ACCOUNTS.items()
            if any(p.account == name and not p.token for p in pages)
        }
        tokens = {
            name: f"Bearer {api_token(env, email)}"
            for name, email in ACCOUNTS.items()
            if any(p.account == name and p.token for p in pages)
        }
        print(
            f"gunicorn: {options.workers} workers on {HOST}:{port}; {options.concurrency} clients, "
            f"{options.warmup:g} s warm-up + {options.duration:g} s per page.\n"
        )
        results = []
        bare_samples = []  # the bare view's req/s before each page and after the last (--bare-check)

        def check_bare() -> None:
            if options.bare_check:
                bare_samples.append(measure(pool, port, BASELINE, "", options.concurrency, options.bare_check).rps)

        with multiprocessing.Pool(options.concurrency, client_process_setup) as pool:
            for page in pages:
                cookie = (tokens if page.token else sessions).get(page.account, "")
                if page != BASELINE:
                    check_bare()
                if options.warmup:
                    measure(pool, port, page, cookie, options.concurrency, options.warmup)
                results.append(measure(pool, port, page, cookie, options.concurrency, options.duration, round_=1))
            check_bare()
        rss = worker_rss(proc.pid)
        rows = to_rows(results, bare_samples)
        print_table(results, rows, bare_samples)
        print()
        print_rss(rss)
        engine = "postgresql" if db_url.startswith(("postgres://", "postgresql://")) else "sqlite"
        saved = report.run_path(VAR)
        report.save_run(
            saved,
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "commit": git_commit(),
                "engine": engine,
                "users": options.users,
                "workers": options.workers,
                "concurrency": options.concurrency,
                "duration": options.duration,
                "cold": options.cold,
                "bare_check": options.bare_check,
                "bare_samples": [round(x, 1) for x in bare_samples],
                "worker_rss_bytes": sorted(rss.values()),
            },
            rows,
        )
        print(f"Saved as {saved.relative_to(ROOT)}.")
        if options.compare:
            show_comparison(options.compare, saved, engine, rows)
    except KeyboardInterrupt:
        print("\nInterrupted.")
        return 130
    finally:
        stop_gunicorn(proc)
    failed = [r for r in results if r.errors or not r.latencies]
    if failed:
        print(f"\n{len(failed)} page(s) with errors; server log: {log_path}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
