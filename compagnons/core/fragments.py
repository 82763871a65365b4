"""Cached fragments of HTML under versioned keys that every write bumps.

Each database table has a version in the cache (`tv:<table>`). Every INSERT, UPDATE or DELETE that Django runs —
a service's `save()`, a queryset's `update()`, a bulk insert, raw SQL through the connection — gives the tables it
writes a new version once its transaction commits (an execute wrapper on every connection, `track_writes`). A
cached fragment (a panel of « Mon espace », a public page's body) records the tables its computation read and their
versions at the start; it is served only while every one of them still has that version. So whoever writes, through
whatever service or job, the next reader computes again: no writer has to know which fragments show its rows.

Rules that keep it safe:
- the versions are read **before** the fragment is computed (a write that commits meanwhile bumps a version after,
  and the entry is refused next time): a fragment is never newer in its key than in its data;
- a table without a version in the cache (never written since the cache was emptied, or culled) gets a fresh one
  before the computation: a missing version never equals a stored one;
- a fragment per member is keyed by the member's id (`personal=True`): one member's fragment is never looked up
  for another; the language and the day are in every key, and entries live `FRAGMENT_CACHE_SECONDS` at most (the
  fragments that depend on the time of day, « your next session », are at most that old);
- HTML with a form's CSRF token or a CSP nonce is never stored (both belong to one session or one response).

`FRAGMENT_CACHE` turns it off (the test settings: pytest-django's transactions never commit, so no version would
move; the tests of this module turn it on and run the commit callbacks).
"""

import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from contextlib import ExitStack

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, connections, transaction
from django.db.backends.signals import connection_created
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from compagnons.core.replica import REPLICA

WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?', re.I)
READ = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)"?', re.I)
# Writes that change no fragment: the sessions (every request of a signed-in member may write its own), the cache
# itself (its table may be where the versions live), the rate limits' counters (every API request and login writes
# two; no page shows them, and bumping their version cost ten queries per API request on the database cache).
UNTRACKED = {"django_session", "cache_entries", "core_ratelimitcounter"} | {
    c["LOCATION"] for c in settings.CACHES.values() if c["BACKEND"].endswith("DatabaseCache")
}
# Updates that change nothing a fragment shows: a sign-in's `last_login` alone (Django's `update_last_login`). Without
# this, every login anywhere would make every cached fragment stale. A save of the member that sets other columns too
# is tracked as any write.
QUIET_UPDATE = re.compile(r'^\s*UPDATE\s+"?accounts_user"?\s+SET\s+"?last_login"?\s*=\s*(?:%s|\?)\s+WHERE\b', re.I)
PREFIX_VERSION = "tv:"
PREFIX_FRAGMENT = "frag:"
# Tables every fragment depends on: the member (name, roles) and their roles, even when the fragment reads them
# from the request rather than through a query.
ALWAYS = ("accounts_user", "accounts_rolegrant")

logger = logging.getLogger(__name__)
_local = threading.local()
# The tables each fragment read the last time it was computed in this process (or, never computed here, as its
# entry in the cache says): read with the fragment's entry in one cache query. At most MAX_KNOWN names learnt from
# entries (a name holds a page's address: its query strings are the visitors').
_known_tables: dict[str, frozenset[str]] = {}
MAX_KNOWN = 20_000


def enabled() -> bool:
    return getattr(settings, "FRAGMENT_CACHE", False)


# --- Writes ---------------------------------------------------------------------------------------------------------


def bump(tables: Iterable[str]) -> None:
    """Give these tables a new version (a fresh token, not a counter: no read-modify-write)."""
    tables = [t for t in set(tables) if t not in UNTRACKED]
    if tables:
        _forget_versions()
        token = uuid.uuid4().hex
        cache.set_many({PREFIX_VERSION + t: token for t in tables}, timeout=None)


def _flush(alias: str) -> None:
    pending = _pending(alias)
    tables = set(pending)
    pending.clear()
    try:
        bump(tables)
    except DatabaseError:  # the cache's table not created yet (a first `migrate`): nothing can be cached either
        logger.debug("Fragment versions not bumped for %s: the cache is not ready.", sorted(tables))


def _pending(alias: str) -> set[str]:
    sets = getattr(_local, "pending", None)
    if sets is None:
        sets = _local.pending = {}
    return sets.setdefault(alias, set())


def _autocommitted(alias: str) -> set[str]:
    sets = getattr(_local, "autocommitted", None)
    if sets is None:
        sets = _local.autocommitted = {}
    return sets.setdefault(alias, set())


def flush_autocommitted() -> None:
    """Bump the tables written outside any transaction (already committed) on every connection of this thread."""
    for tables in list(getattr(_local, "autocommitted", {}).values()):
        if tables:
            written = set(tables)
            tables.clear()
            try:
                bump(written)
            except DatabaseError:
                logger.debug("Fragment versions not bumped for %s: the cache is not ready.", sorted(written))


def _write_wrapper(alias: str) -> Callable:
    def wrapper(execute, sql, params, many, context):
        waiting = _autocommitted(alias)
        if waiting and not context["connection"].in_atomic_block:
            # A write outside a transaction is bumped before the next statement, never inside its own: its
            # statement may still have rows to give back (INSERT … RETURNING on SQLite), and the database cache
            # would write on the same connection in the middle of it.
            flush_autocommitted()
        result = execute(sql, params, many, context)
        match = WRITE.match(sql) if enabled() else None
        if match and match.group(1) not in UNTRACKED and not QUIET_UPDATE.match(sql):
            if context["connection"].in_atomic_block:
                _pending(alias).add(match.group(1))
                # after the commit; dropped with a rolled back transaction
                transaction.on_commit(lambda: _flush(alias), using=alias)
            else:
                # already committed: bumped before the next statement, at the end of the request, or before the
                # next fragment is read, whichever comes first
                waiting.add(match.group(1))
        return result

    wrapper.compagnons_fragments = True
    return wrapper


def track_writes(sender, connection, **kwargs) -> None:
    """connection_created: watch this connection's writes (once per connection object)."""
    if not any(getattr(w, "compagnons_fragments", False) for w in connection.execute_wrappers):
        connection.execute_wrappers.append(_write_wrapper(connection.alias))


def _on_request_finished(sender, **kwargs) -> None:
    flush_autocommitted()
    _local.versions = None


def _on_request_started(sender, **kwargs) -> None:
    _local.versions = {}


def _forget_versions() -> None:
    if getattr(_local, "versions", None) is not None:
        _local.versions = {}


def install() -> None:
    connection_created.connect(track_writes, dispatch_uid="compagnons.core.fragments.track_writes")
    request_finished.connect(_on_request_finished, dispatch_uid="compagnons.core.fragments.request_finished")
    request_started.connect(_on_request_started, dispatch_uid="compagnons.core.fragments.request_started")
    for conn in connections.all(initialized_only=True):
        track_writes(None, conn)


# --- Reads ----------------------------------------------------------------------------------------------------------


class _Reads:
    """The tables a computation reads, and whether it wrote anything a fragment could show (a view that writes on a
    GET — an audit entry, a « seen » mark — must run every time: its fragment is never stored)."""

    def __init__(self):
        self.tables: set[str] = set()
        self.wrote = False

    def __call__(self, execute, sql, params, many, context):
        self.tables.update(READ.findall(sql))
        write = WRITE.match(sql)
        if write and write.group(1) not in UNTRACKED and not QUIET_UPDATE.match(sql):
            self.wrote = True
        return execute(sql, params, many, context)


def _reading(tables: Iterable[str]) -> None:
    """Tell the fragments being computed that they read `tables`: a value from `versioned` runs no query on them
    when it is served from the process or the cache, yet the fragment shows it and must wait for those tables."""
    for wrapper in connections["default"].execute_wrappers:
        if isinstance(wrapper, _Reads):
            wrapper.tables.update(tables)


def _storable(html: str) -> bool:
    return "csrfmiddlewaretoken" not in html and "nonce=" not in html


def _give_missing_versions(versions: dict) -> None:
    """A fresh version, stored, for each table without one in `versions` (never written since the cache was emptied,
    or culled): a missing version never equals a stored one."""
    fresh = {t: uuid.uuid4().hex for t, v in versions.items() if v is None}
    if fresh:
        cache.set_many({PREFIX_VERSION + t: v for t, v in fresh.items()}, timeout=None)
        versions.update(fresh)


def fragment_key(name: str, member_id: int | None) -> str:
    lang = translation.get_language() or "-"
    return f"{PREFIX_FRAGMENT}{name}:{member_id or '-'}:{lang}:{timezone.localdate():%Y%m%d}"


def cached(
    items: list[tuple[str, Callable[[], str]]], *, member_id: int | None, storable: Callable[[str], bool] = _storable
) -> list[SafeString]:
    """The HTML of each (name, render) in `items`, from the cache when every table it read is unchanged, else
    rendered now (and stored). `member_id`: whose fragments these are (None: the same for every visitor). At most
    two cache reads for the lot, whatever hits or misses."""
    if not enabled():
        return [mark_safe(render()) for _name, render in items]  # noqa: S308 - rendered by Django templates
    flush_autocommitted()
    keys = {name: fragment_key(name, member_id) for name, _render in items}
    known = set(ALWAYS).union(*(_known_tables.get(name, ()) for name, _render in items))
    found = cache.get_many([*keys.values(), *(PREFIX_VERSION + t for t in known)])
    versions = {t: found.get(PREFIX_VERSION + t) for t in known}
    entries = {name: found.get(key) for name, key in keys.items()}
    missing_tables = {t for e in entries.values() if e for t in e[0]} - known  # e: (versions, html)
    for name, entry in entries.items():
        if entry and name not in _known_tables and len(_known_tables) < MAX_KNOWN:
            # this process never rendered it: its tables as the entry says, so that the next read of it fetches
            # their versions with the entry, in one round trip instead of two
            _known_tables[name] = frozenset(entry[0])
    if missing_tables:
        more = cache.get_many([PREFIX_VERSION + t for t in missing_tables])
        versions.update({t: more.get(PREFIX_VERSION + t) for t in missing_tables})
    _give_missing_versions(versions)
    out, store = [], {}
    for name, render in items:
        entry = entries[name]
        if entry and all(versions.get(t) == v for t, v in entry[0].items()):
            out.append(mark_safe(entry[1]))  # noqa: S308 - stored from a Django template's output
            continue
        reads, replica_reads = _Reads(), _Reads()
        with ExitStack() as stack:
            stack.enter_context(connections["default"].execute_wrapper(reads))
            if REPLICA in connections.settings:
                stack.enter_context(connections[REPLICA].execute_wrapper(replica_reads))
            html = str(render())
        tables = frozenset((reads.tables - UNTRACKED) | set(ALWAYS))
        _known_tables[name] = tables
        # a read from the replica (a few seconds behind) may be older than the versions read: not stored
        if tables <= versions.keys() and not replica_reads.tables and not reads.wrote and storable(html):
            store[keys[name]] = ({t: versions[t] for t in tables}, html)
        out.append(mark_safe(html))  # noqa: S308 - rendered by Django templates
    if store:
        cache.set_many(store, timeout=settings.FRAGMENT_CACHE_SECONDS)
    return out


# Values kept in this process by `versioned(..., local=True)`: name -> (key, versions, value, when kept).
_local_values: dict[str, tuple[str, dict, object, float]] = {}


def versioned(name: str, tables: Iterable[str], compute: Callable[[], object], *, local: bool = False) -> object:
    """A value (not HTML: a list of ids, figures) cached while `tables` keep their versions, for a day at most
    `FRAGMENT_CACHE_SECONDS`. The caller names the tables whose writes must recompute it (unlike `cached`, which
    records every table read, the member's own included). One cache read when it hits; `compute()` when the cache
    is off. The same for everybody: never put one member's data in it.

    `local`: the value is also kept in this process, and served from there while the versions read from the cache
    are still its own — a large value (a list of every published page's id) is then neither fetched nor unpickled
    at each request, and every process still sees a write as soon as its version moves."""
    if not enabled():
        return compute()
    flush_autocommitted()
    tables = sorted(set(tables))
    _reading(tables)
    key = f"{PREFIX_FRAGMENT}{name}:{timezone.localdate():%Y%m%d}"
    kept = _local_values.get(name) if local else None
    if kept and time.monotonic() - kept[3] > settings.FRAGMENT_CACHE_SECONDS:
        kept = None
    if kept and kept[0] == key:
        seen = _request_versions(tables)
        if seen is not None and kept[1] == seen:
            return kept[2]
    keys = (
        [PREFIX_VERSION + t for t in tables]
        if kept and kept[0] == key
        else [key, *(PREFIX_VERSION + t for t in tables)]
    )
    found = cache.get_many(keys)
    versions = {t: found.get(PREFIX_VERSION + t) for t in tables}
    if kept and kept[0] == key and kept[1] == versions:
        return kept[2]
    if key not in keys:
        found.update(cache.get_many([key]))
    _give_missing_versions(versions)
    entry = found.get(key)
    if entry is not None and entry[0] == versions:
        value = entry[1]
    else:
        value = compute()
        cache.set(key, (versions, value), timeout=settings.FRAGMENT_CACHE_SECONDS)
    if local:
        _local_values[name] = (key, versions, value, time.monotonic())
    return value


def _request_versions(tables: list[str]) -> dict | None:
    """The versions of `tables` as this request first read them, or None outside a request. The first value kept in
    the process that a request asks for reads, in one cache query, the versions of every table the process's kept
    values depend on: a page that uses three (a search form's métiers and compétences, the site's métiers) checks
    them with one query instead of three. A write in this thread forgets them (`bump`); another process's write is
    seen by the next request, as before."""
    seen = getattr(_local, "versions", None)
    if seen is None:
        return None
    if not seen.keys() >= set(tables):
        wanted = set(tables).union(*(kept[1] for kept in _local_values.values()), _kept_each_tables) - seen.keys()
        found = cache.get_many([PREFIX_VERSION + t for t in wanted])
        seen.update({t: found.get(PREFIX_VERSION + t) for t in wanted})
    versions = {t: seen[t] for t in tables}
    return None if None in versions.values() else versions


# Values kept in this process by `kept_each`: (name, language) -> (versions, day, {key: value}, when kept); and the
# tables they wait for, read with the other kept values' versions (`_request_versions`).
_kept_each: dict[tuple[str, str], tuple[dict, str, dict, float]] = {}
_kept_each_tables: set[str] = set()
MAX_KEPT_EACH = 5_000


def kept_each(name: str, tables: Iterable[str], keys: list, compute: Callable[[list], dict]) -> list:
    """Values of one kind per key — a card per page of the directory — kept in this process while `tables` keep their
    versions (for FRAGMENT_CACHE_SECONDS at most, per language and day), the missing ones computed together:
    `compute(missing keys)` gives {key: value} in one go (a page of cards in three queries, not three per card); a
    key it leaves out gets "". A hit costs no query of its own: the tables' versions come with those of the other
    values kept in the process (`_request_versions`, one cache read per request). Nothing is written to the shared
    cache (the database cache writes a row per entry: three queries each). The same for everybody: never put one
    member's data in it.

    The caller names every table a value shows: a computation that reads another one (or writes, or reads from the
    replica) keeps nothing, and logs it — tests/showcase/test_site.py checks that the directory's cards are kept."""
    if not enabled():
        values = _computed(compute, list(dict.fromkeys(keys)))
        return [values[key] for key in keys]
    flush_autocommitted()
    tables = sorted(set(tables))
    _kept_each_tables.update(tables)
    _reading(tables)  # a page cached whole that shows these values waits for their tables too
    versions = _current_versions(tables)
    place = (name, translation.get_language() or "-")
    day = f"{timezone.localdate():%Y%m%d}"
    kept = _kept_each.get(place)
    if (
        kept is None
        or kept[0] != versions
        or kept[1] != day
        or time.monotonic() - kept[3] > settings.FRAGMENT_CACHE_SECONDS
    ):
        kept = _kept_each[place] = (versions, day, {}, time.monotonic())
    values = kept[2]
    found = {key: values[key] for key in keys if key in values}
    missing = [key for key in dict.fromkeys(keys) if key not in found]
    if missing:
        reads, replica_reads = _Reads(), _Reads()
        with ExitStack() as stack:
            stack.enter_context(connections["default"].execute_wrapper(reads))
            if REPLICA in connections.settings:
                stack.enter_context(connections[REPLICA].execute_wrapper(replica_reads))
            computed = _computed(compute, missing)
        found.update(computed)
        unknown = reads.tables - UNTRACKED - set(tables)
        if unknown or reads.wrote or replica_reads.tables:
            # a read from the replica (a few seconds behind) may be older than the versions read: not kept either
            logger.warning("%s: not kept (it read %s, wrote: %s).", name, sorted(unknown), reads.wrote)
        else:
            if len(values) + len(computed) > MAX_KEPT_EACH:
                values.clear()
            values.update(computed)
    return [found[key] for key in keys]


def _computed(compute: Callable[[list], dict], keys: list) -> dict:
    values = compute(keys)
    return {key: values.get(key, "") for key in keys}


def _current_versions(tables: list[str]) -> dict:
    """The versions of `tables`: this request's (`_request_versions`), else read now, a missing one given a fresh
    version first."""
    seen = _request_versions(tables)
    if seen is not None:
        return seen
    found = cache.get_many([PREFIX_VERSION + t for t in tables])
    versions = {t: found.get(PREFIX_VERSION + t) for t in tables}
    _give_missing_versions(versions)
    if getattr(_local, "versions", None) is not None:
        _local.versions.update(versions)
    return versions


# --- Public pages ---------------------------------------------------------------------------------------------------

CSRF_PLACEHOLDER = "\x00csrf\x00"
NONCE_PLACEHOLDER = "\x00nonce\x00"
ONCE_PLACEHOLDER = "\x00once\x00"
# A form's one-time key (an idempotency key: the ledger's `request_id`, a quiz's `token`): a fresh UUID each time a
# form is shown, so that a double submit writes once but two forms shown write twice. Stored as a placeholder, and
# a new UUID is drawn each time the page is served.
UUID = r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}"
ONCE_VALUE = re.compile(rf'(name="(?:[\w-]+-)?(?:request_id|token)" value="){UUID}(?=")')
# Query strings that only page through a list: other parameters (a search, filters) are computed every time, so
# that a search is fast by its own means and a cache of a few terms proves nothing.
PAGING_PARAMETERS = {"page"}
# A member's report pages: the choice of a year or of a figure is not a search.
MEMBER_PARAMETERS = {"year", "figure", "cohort"}


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage and (storage._queued_messages or storage._loaded_messages))


UNCACHEABLE = "\x00uncacheable\x00"
# What a whole page may be stored as: HTML, a calendar feed, the issuer's DID document. With the view's own headers
# before HEADERS_END (its type, a file name, CORS), given back as they were.
STORED_TYPES = ("text/html", "text/calendar", "application/did+ld+json")
HEADERS_END = "\x00headers\x00"
REAL_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="(?!\x00)')
CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*')


def with_placeholders(html: str, request) -> str:
    """The HTML to store: this response's CSRF token and CSP nonce replaced by placeholders."""
    html = CSRF_VALUE.sub(lambda m: m.group(1) + CSRF_PLACEHOLDER, html)
    html = ONCE_VALUE.sub(lambda m: m.group(1) + ONCE_PLACEHOLDER, html)
    nonce = getattr(request, "_csp_nonce", None)
    if nonce:  # only when the page used it
        html = html.replace(str(nonce), NONCE_PLACEHOLDER)
    return html


def filled(html: str, request) -> str:
    """Stored HTML for this request: its own CSRF token (the cookie is set as for any form), CSP nonce and one-time
    form keys (a fresh UUID each)."""
    from django.middleware.csrf import get_token

    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    if NONCE_PLACEHOLDER in html:
        html = html.replace(NONCE_PLACEHOLDER, str(request._csp_nonce))
    if ONCE_PLACEHOLDER in html:
        html = re.sub(ONCE_PLACEHOLDER, lambda m: str(uuid.uuid4()), html)
    return html


def storable_with_placeholders(html: str) -> bool:
    return html != UNCACHEABLE and not REAL_CSRF.search(html)


def public_page(name: str) -> Callable:
    """A view decorator: for an anonymous visitor's GET without a search, the whole page from the cache while the
    tables it read are unchanged (see `cached`). The CSRF token and the CSP nonce of the page are stored as
    placeholders and filled in with this request's; a page with flash messages, a response other than a 200
    HTML page (or calendar feed, or DID document: STORED_TYPES), or a signed-in member's request are never stored
    nor served from it."""
    return _page_cache(name, members=False)


def member_page(name: str, *, filters: Iterable[str] = ()) -> Callable:
    """The same for a signed-in member's page: cached for that member alone (their id is in the key), never for an
    anonymous visitor (the view's own access rules run on every miss; a hit is only ever a page this member was
    shown). `filters`: the page's own filters with a few values each (a topic, « overdue only »), cached per value
    like the page number; a free-text search never is."""
    return _page_cache(name, members=True, filters=frozenset(filters))


def _page_cache(name: str, *, members: bool, filters: frozenset[str] = frozenset()) -> Callable:
    from functools import wraps

    from django.http import HttpResponse

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if (
                not enabled()
                or request.method != "GET"
                or "json" in request.headers.get("Accept", "")
                or "HX-Request" in request.headers
                or request.user.is_authenticated != members
                or set(request.GET) - PAGING_PARAMETERS - filters - (MEMBER_PARAMETERS if members else set())
                or _has_messages(request)
            ):
                return view(request, *args, **kwargs)
            produced = {}

            def render() -> str:
                response = produced["response"] = view(request, *args, **kwargs)
                if getattr(response, "is_rendered", True) is False:
                    response.render()  # a TemplateResponse (allauth's views)
                if (
                    response.status_code != 200
                    or response.streaming
                    or not response.get("Content-Type", "").startswith(STORED_TYPES)
                    or response.cookies
                    or _has_messages(request)
                ):
                    return UNCACHEABLE
                head = json.dumps(dict(response.items()))  # the view's own headers (a file name, CORS)
                return head + HEADERS_END + with_placeholders(response.content.decode(response.charset), request)

            key = f"page:{name}:{request.scheme}://{request.get_host()}{request.get_full_path()}"
            member_id = request.user.pk if members else None
            stored = str(cached([(key, render)], member_id=member_id, storable=storable_with_placeholders)[0])
            if "response" in produced:  # computed now: the view's own response
                return produced["response"]
            head, _end, body = stored.rpartition(HEADERS_END)
            response = HttpResponse(filled(body, request))
            for header, value in json.loads(head or "{}").items():
                response[header] = value
            return response

        return wrapper

    return decorator
