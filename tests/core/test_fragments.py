"""Cached fragments under the versions of the tables they read (compagnons/core/fragments.py), and « Mon espace »'s
panels cached per member with them: never another member's panel, recomputed after any write to a table a panel
read (a save, a queryset update, raw SQL), never stored with a CSRF token, and the dashboard within 15 queries."""

import pytest
from django.contrib.auth.models import update_last_login
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from compagnons.accounts.models import User
from compagnons.core import audit, dashboard, fragments
from compagnons.core.dashboard import Panel
from compagnons.core.models import AuditLog
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fragment_cache(settings):
    settings.FRAGMENT_CACHE = True
    settings.FRAGMENT_CACHE_SECONDS = 300
    cache.clear()
    fragments._known_tables.clear()
    fragments._local_values.clear()
    fragments._local.versions = None
    fragments._local.pending = {}  # a rolled back test's writes would otherwise be bumped with this test's
    fragments._local.autocommitted = {}
    fragments._kept_each.clear()
    fragments._kept_each_tables.clear()
    yield
    cache.clear()
    fragments._known_tables.clear()
    fragments._local_values.clear()
    fragments._local.versions = None
    fragments._kept_each.clear()
    fragments._kept_each_tables.clear()


def _names(member_id: int | None, calls: list[int]) -> list[str]:
    """A fragment that shows the members' first names (it reads accounts_user) and counts its computations."""

    def render():
        calls.append(1)
        return ", ".join(User.objects.order_by("pk").values_list("first_name", flat=True))

    return fragments.cached([("names", render)], member_id=member_id)


def _twice(member_id, calls):
    _names(member_id, calls)  # stored at once: it reads accounts_user only, which every fragment depends on
    return _names(member_id, calls)


def test_a_fragment_is_served_from_the_cache_until_a_table_it_read_is_written(
    fragment_cache, django_capture_on_commit_callbacks
):
    member = UserFactory(first_name="Léa")
    calls = []
    _twice(None, calls)
    assert _names(None, calls) == ["Léa"] and len(calls) == 1  # the third time from the cache

    with django_capture_on_commit_callbacks(execute=True):
        member.first_name = "Inès"
        member.save(update_fields=["first_name"])
    assert _names(None, calls) == ["Inès"] and len(calls) == 2

    with django_capture_on_commit_callbacks(execute=True):
        User.objects.filter(pk=member.pk).update(first_name="Zoé")  # a queryset update, no signal
    assert _names(None, calls) == ["Zoé"] and len(calls) == 3

    with django_capture_on_commit_callbacks(execute=True), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET first_name = %s WHERE id = %s", ["Malo", member.pk])
    assert _names(None, calls) == ["Malo"] and len(calls) == 4
    assert _names(None, calls) == ["Malo"] and len(calls) == 4


def test_a_write_that_is_not_committed_yet_bumps_nothing_and_the_commit_does(
    fragment_cache, django_capture_on_commit_callbacks
):
    member = UserFactory(first_name="Léa")
    calls = []
    _twice(None, calls)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        User.objects.filter(pk=member.pk).update(first_name="Inès")
    assert callbacks  # the bump waits for the commit
    for callback in callbacks:
        callback()
    assert _names(None, calls) == ["Inès"]


def test_a_lost_version_never_matches_a_stored_one(fragment_cache):
    UserFactory(first_name="Léa")
    calls = []
    _twice(None, calls)
    cache.delete(fragments.PREFIX_VERSION + "accounts_user")  # culled, or the cache emptied
    _names(None, calls)
    assert len(calls) == 2


def test_one_members_fragment_is_never_served_to_another(fragment_cache):
    first, second = UserFactory(), UserFactory()
    seen = []

    def render_for(member):
        def render():
            seen.append(member.pk)
            return f"les données de {member.pk}"

        return render

    for _ in range(3):
        assert fragments.cached([("mine", render_for(first))], member_id=first.pk) == [f"les données de {first.pk}"]
    assert fragments.cached([("mine", render_for(second))], member_id=second.pk) == [f"les données de {second.pk}"]
    assert seen.count(second.pk) == 1


def test_html_with_a_csrf_token_or_a_nonce_is_never_stored(fragment_cache):
    calls = []

    def render():
        calls.append(1)
        return '<input type="hidden" name="csrfmiddlewaretoken" value="x">'

    for _ in range(3):
        fragments.cached([("form", render)], member_id=None)
    assert len(calls) == 3


def test_without_the_setting_nothing_is_cached(settings):
    settings.FRAGMENT_CACHE = False
    calls = []
    for _ in range(3):
        _names(None, calls)
    assert len(calls) == 3


def test_the_dashboard_never_shows_a_member_another_members_panel(fragment_cache, client, monkeypatch):
    def whose(request):
        return Panel("core/tests/whose_panel.html", {"email": request.user.email})

    monkeypatch.setattr(dashboard, "_panels", [(1, whose)])
    monkeypatch.setattr(dashboard, "render_to_string", lambda template, context, request: context["panel"]["email"])
    first, second = UserFactory(apprentice=True), UserFactory(apprentice=True)
    client.force_login(first)
    for _ in range(3):
        page = client.get(reverse("accounts:dashboard")).content.decode()
        assert first.email in page
    client.force_login(second)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert second.email in page and first.email not in page


def test_the_dashboard_recomputes_a_panel_after_a_write_to_what_it_read(
    fragment_cache, client, django_capture_on_commit_callbacks
):
    apprentice = UserFactory(apprentice=True, first_name="Léa")
    client.force_login(apprentice)
    client.get(reverse("accounts:dashboard"))
    client.get(reverse("accounts:dashboard"))
    with django_capture_on_commit_callbacks(execute=True):
        User.objects.filter(pk=apprentice.pk).update(first_name="Inès")
    assert "Bonjour Inès" in client.get(reverse("accounts:dashboard")).content.decode()


@pytest.mark.parametrize("roles", [{"apprentice": True}, {"compagnon": True}, {"formateur": True}, {"client": True}])
def test_a_warm_dashboard_runs_at_most_fifteen_queries(fragment_cache, client, roles, django_assert_max_num_queries):
    member = UserFactory(**roles)
    client.force_login(member)
    client.get(reverse("accounts:dashboard"))
    client.get(reverse("accounts:dashboard"))
    with django_assert_max_num_queries(15):
        assert client.get(reverse("accounts:dashboard")).status_code == 200


# --- Public pages ---------------------------------------------------------------------------------------------------


def _csrf(html: str) -> str:
    return html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]


def test_a_public_page_comes_from_the_cache_with_this_requests_csrf_token_and_nonce(fragment_cache, client):
    from django.test import Client

    url = reverse("showcase:directory")
    client.get(url)
    first = client.get(url)
    other = Client()
    second = other.get(url)
    assert second.status_code == 200
    nonce = second["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    html = second.content.decode()
    assert f'nonce="{nonce}"' in html and "\x00" not in html
    assert first["Content-Security-Policy"] != second["Content-Security-Policy"]
    if "csrfmiddlewaretoken" in html:
        assert _csrf(html) != _csrf(first.content.decode())


def test_a_public_page_is_computed_again_after_a_write_to_what_it_read(
    fragment_cache, client, django_capture_on_commit_callbacks
):
    from compagnons.accounts.models import CharterVersion

    url = reverse("accounts:charter")
    client.get(url)
    client.get(url)
    current = CharterVersion.objects.current()
    with django_capture_on_commit_callbacks(execute=True):
        CharterVersion.objects.filter(pk=current.pk).update(title="Une charte retouchée pour le test")
    assert "Une charte retouchée pour le test" in client.get(url).content.decode()


def test_searches_and_members_never_get_a_cached_page(fragment_cache, client, monkeypatch):
    calls = []
    original = fragments.cached

    def spy(items, **kwargs):
        pages = [name for name, _render in items if name.startswith("page:")]  # not the missions' summaries
        if pages:
            calls.append(pages)
        return original(items, **kwargs)

    monkeypatch.setattr(fragments, "cached", spy)
    client.get(reverse("missions:list") + "?q=agenda")
    client.get(reverse("missions:list"), headers={"Accept": "application/json"})
    assert calls == []
    client.get(reverse("missions:list") + "?page=2")
    assert len(calls) == 1
    client.force_login(UserFactory(apprentice=True))
    client.get(reverse("missions:list"))
    assert len(calls) == 1


def test_a_members_cached_page_is_theirs_alone_and_its_access_rule_still_holds(fragment_cache, client, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.test import Client

    seen = []

    @fragments.member_page("test-page")
    def page(request):
        seen.append(request.user.pk)
        return HttpResponse(f"<p>{getattr(request.user, 'email', '-')}</p>")

    first, second = UserFactory(formateur=True), UserFactory(formateur=True)
    for member in [first, first, first, second]:
        request = rf.get("/page/")
        request.user = member
        assert page(request).content.decode() == f"<p>{member.email}</p>"
    assert seen == [first.pk, second.pk]
    request = rf.get("/page/")
    request.user = AnonymousUser()
    page(request)
    assert seen[-1] is None  # an anonymous visitor: never from a member's cache

    url = reverse("skills:positioning_queue")
    client.force_login(first)
    for _ in range(3):
        assert client.get(url).status_code == 200
    outsider = Client()
    outsider.force_login(UserFactory(apprentice=True))
    assert outsider.get(url).status_code in (403, 404)
    assert Client().get(url).status_code == 302  # to the login page


def test_a_panel_with_a_form_is_cached_and_served_with_this_requests_csrf_token(fragment_cache, client, monkeypatch):
    from django.template import engines

    template = engines["django"].from_string('<form method="post">{% csrf_token %}<p>{{ panel.email }}</p></form>')
    calls = []

    def with_form(request):
        calls.append(1)
        return Panel("unused.html", {"email": request.user.email})

    monkeypatch.setattr(dashboard, "_panels", [(1, with_form)])
    monkeypatch.setattr(dashboard, "render_to_string", lambda name, context, request: template.render(context, request))
    member = UserFactory(apprentice=True)
    client.force_login(member)
    pages = [client.get(reverse("accounts:dashboard")).content.decode() for _ in range(3)]
    assert len(calls) == 1
    token = _csrf(pages[-1])
    assert "\x00" not in pages[-1] and len(token) == 64
    client.logout()
    client.force_login(member)  # a new session: a new CSRF secret
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert len(calls) == 1 and _csrf(page) != token


@pytest.mark.django_db(transaction=True)
def test_a_write_outside_any_transaction_is_bumped_after_its_statement(fragment_cache, settings):
    """Autocommit (a shell, a plain save outside a service): the write is committed at once, and its version moves
    before the next statement or fragment read — never in the middle of its own statement, whose INSERT … RETURNING
    may still be giving back rows (with the database cache, the bump would write on the same connection)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache_entries"}
    }  # the cache of `make run`: its writes go through the same connection as the page's
    call_command("createcachetable")
    calls = []
    member = UserFactory(first_name="Léa")  # INSERT … RETURNING, outside any transaction
    assert _twice(None, calls) == ["Léa"] and len(calls) == 1
    member.first_name = "Inès"
    member.save(update_fields=["first_name"])  # autocommit: no on_commit callback to wait for
    assert _names(None, calls) == ["Inès"] and len(calls) == 2


def test_a_sign_in_leaves_the_fragments_cached_and_a_change_of_the_member_does_not(
    fragment_cache, django_capture_on_commit_callbacks
):
    """Django writes `last_login` at every sign-in: that column alone bumps nothing (no fragment shows it), so that
    one member's login does not make every cached fragment stale; the same member's name change still does."""
    member = UserFactory(first_name="Léa", password="un-mot-de-passe-solide")
    calls = []
    _twice(None, calls)
    with django_capture_on_commit_callbacks(execute=True):
        update_last_login(None, member)
    fragments.flush_autocommitted()
    assert _names(None, calls) == ["Léa"] and len(calls) == 1
    member.refresh_from_db()
    assert member.last_login is not None

    with django_capture_on_commit_callbacks(execute=True):
        member.first_name = "Inès"
        member.last_login = None
        member.save(update_fields=["last_login", "first_name"])
    assert _names(None, calls) == ["Inès"] and len(calls) == 2


def test_the_rate_limits_counters_bump_no_version(fragment_cache, django_capture_on_commit_callbacks):
    """Issue 21: every API request and login writes two counters; no fragment shows them, and bumping their version
    cost ten queries per API request on the database cache."""
    from compagnons.core import ratelimit

    with django_capture_on_commit_callbacks(execute=True):
        assert ratelimit._hit_database(ratelimit.key_for("test", "a"), 5, 60)
    fragments.flush_autocommitted()
    assert cache.get(fragments.PREFIX_VERSION + "core_ratelimitcounter") is None
    with django_capture_on_commit_callbacks(execute=True):
        UserFactory()  # a tracked table still is
    fragments.flush_autocommitted()
    assert cache.get(fragments.PREFIX_VERSION + "accounts_user") is not None


def test_a_page_whose_view_writes_is_never_stored(fragment_cache, rf, django_capture_on_commit_callbacks):
    """A view that writes on a GET (an audit entry, a « seen » mark) must run at every visit: a page served from
    the cache would skip its write."""
    from django.http import HttpResponse

    from compagnons.core import audit
    from compagnons.core.models import AuditLog

    member = UserFactory(formateur=True)
    calls = []

    @fragments.member_page("test-writes")
    def page(request):
        calls.append(1)
        audit.log(request.user, "test.seen")
        return HttpResponse("<p>vu</p>", content_type="text/html; charset=utf-8")

    for _ in range(3):
        request = rf.get("/page/")
        request.user = member
        with django_capture_on_commit_callbacks(execute=True):
            page(request)
    assert len(calls) == 3
    assert AuditLog.objects.filter(action="test.seen").count() == 3


def test_a_forms_one_time_key_is_fresh_each_time_the_cached_page_is_served(fragment_cache, rf):
    """The ledger's `request_id` and a quiz's `token` make a double submit write once: two pages served from the
    cache must not share one, or the second form sent would be taken for the first one sent again."""
    import re
    import uuid

    from django.http import HttpResponse

    member = UserFactory(apprentice=True)
    calls = []

    @fragments.member_page("test-once")
    def page(request):
        calls.append(1)
        return HttpResponse(
            f'<form><input type="hidden" name="declare-request_id" value="{uuid.uuid4()}">'
            f'<input type="hidden" name="token" value="{uuid.uuid4()}"></form>',
            content_type="text/html; charset=utf-8",
        )

    keys = []
    for _ in range(3):
        request = rf.get("/page/")
        request.user = member
        html = page(request).content.decode()
        keys += re.findall(r'value="([0-9a-f-]{36})"', html)
    assert len(calls) == 1  # the second and third from the cache
    assert len(keys) == 6 and len(set(keys)) == 6
    assert "\x00" not in html


def test_a_members_page_is_cached_per_value_of_its_own_filters_and_never_for_a_search(fragment_cache, rf):
    from django.http import HttpResponse

    member = UserFactory(apprentice=True)
    calls = []

    @fragments.member_page("test-filters", filters=("topic",))
    def page(request):
        calls.append(request.GET.urlencode())
        return HttpResponse(f"<p>{request.GET.urlencode()}</p>", content_type="text/html; charset=utf-8")

    for query in ["topic=1", "topic=1", "topic=2", "topic=2", "topic=1", "q=vente", "q=vente"]:
        request = rf.get(f"/page/?{query}")
        request.user = member
        assert page(request).content.decode() == f"<p>{query}</p>"
    assert calls == ["topic=1", "topic=2", "q=vente", "q=vente"]


@pytest.mark.parametrize("local", [False, True])
def test_a_versioned_value_is_computed_again_after_a_write_to_its_tables(
    fragment_cache, django_capture_on_commit_callbacks, local
):
    member = UserFactory(first_name="Léa")
    calls = []

    def names():
        calls.append(1)
        return list(User.objects.values_list("first_name", flat=True))

    def value():
        return fragments.versioned("test-names", ["accounts_user"], names, local=local)

    assert value() == value() == ["Léa"] and len(calls) == 1
    with django_capture_on_commit_callbacks(execute=True):
        User.objects.filter(pk=member.pk).update(first_name="Inès")
    assert value() == ["Inès"] and len(calls) == 2
    cache.clear()  # the versions lost (a restart of the cache): never taken for the kept ones
    assert value() == ["Inès"] and len(calls) == 3


def test_a_value_kept_in_the_process_is_served_without_reading_its_entry(fragment_cache, monkeypatch, settings):
    """A large value (every published page's id) is neither fetched nor unpickled while its versions hold; it is
    fetched again from the shared cache when they moved, and kept no longer than FRAGMENT_CACHE_SECONDS."""
    import time

    UserFactory(first_name="Léa")
    read = []
    get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: read.append(list(keys)) or get_many(keys))
    compute = lambda: list(User.objects.values_list("first_name", flat=True))  # noqa: E731
    fragments.versioned("test-big", ["accounts_user"], compute, local=True)
    read.clear()
    fragments.versioned("test-big", ["accounts_user"], compute, local=True)
    assert read == [[fragments.PREFIX_VERSION + "accounts_user"]]
    read.clear()
    now = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: now + settings.FRAGMENT_CACHE_SECONDS + 1)
    fragments.versioned("test-big", ["accounts_user"], compute, local=True)
    assert any(key.startswith(fragments.PREFIX_FRAGMENT) for keys in read for key in keys)


def test_real_pages_cached_per_member_show_each_their_own_data_and_fresh_form_keys(fragment_cache, client):
    """With the cache on: « Mon profil » (the member's own data in its form) is never another member's, and the
    team's ledger page, served from the cache, gives each form shown its own idempotency key."""
    import re

    from django.test import Client

    first = UserFactory(apprentice=True, first_name="Anaïs", email="anais@example.test")
    second = UserFactory(apprentice=True, first_name="Bérénice", email="berenice@example.test")
    pages = {}
    for member in [first, second, first, second]:
        visitor = Client()
        visitor.force_login(member)
        pages.setdefault(member.pk, []).append(visitor.get(reverse("accounts:profile")).content.decode())
    for member, other in [(first, second), (second, first)]:
        for html in pages[member.pk]:
            assert f'value="{member.first_name}"' in html and f'value="{other.first_name}"' not in html

    team = UserFactory(formateur=True)
    client.force_login(team)
    url = reverse("ledger:staff_member", args=[first.pk])
    keys = []
    for _ in range(3):
        html = client.get(url).content.decode()
        assert "\x00" not in html
        keys += re.findall(r'name="request_id" value="([0-9a-f-]{36})"', html)
    assert len(keys) >= 3 and len(set(keys)) == len(keys)


def test_a_stored_calendar_feed_keeps_its_type_and_headers(fragment_cache, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    calls = []

    @fragments.public_page("test-feed")
    def feed(request):
        calls.append(1)
        response = HttpResponse("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="coaching.ics"'
        return response

    for _ in range(3):
        request = rf.get("/feed.ics")
        request.user = AnonymousUser()
        response = feed(request)
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert response["Content-Disposition"] == 'inline; filename="coaching.ics"'
        assert response.content == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    assert len(calls) == 1


def test_the_login_form_served_from_the_cache_logs_a_member_in(fragment_cache):
    """allauth's login form is cached as a public page: the copy served carries this visitor's CSRF token, and
    posting it signs in (the test client checks CSRF here)."""
    from django.test import Client

    member = UserFactory(apprentice=True, email="lea@example.test")
    member.set_password("un-mot-de-passe-solide")
    member.save()
    Client().get(reverse("account_login"))
    assert cache.get(fragments.fragment_key("page:accounts.login:http://testserver/comptes/login/", None))  # stored
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get(reverse("account_login")).content.decode()
    token = _csrf(html)
    assert "\x00" not in html and len(token) == 64
    response = visitor.post(
        reverse("account_login"),
        {"login": "lea@example.test", "password": "un-mot-de-passe-solide", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert visitor.get(reverse("accounts:dashboard")).status_code == 200


def test_a_page_that_read_a_versioned_value_kept_in_the_process_follows_its_tables(
    fragment_cache, rf, django_capture_on_commit_callbacks
):
    """A value served by `versioned` from the process or the cache runs no query on its tables: the page computed
    with it must still wait for those tables (the missions list with its site's chosen métiers, the directory with
    the day's ranking, a search form's options)."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from compagnons.skills.models import Trade

    def labels():
        return fragments.versioned(
            "test-trade-labels",
            ["skills_trade"],
            lambda: sorted(Trade.objects.values_list("label", flat=True)),
            local=True,
        )

    @fragments.public_page("test-page-with-labels")
    def page(request):
        return HttpResponse(f"<p>{labels()[0]}</p>")

    with django_capture_on_commit_callbacks(execute=True):
        labels()  # kept before the page is first computed: computing it reads no table of its own
    request = rf.get("/labels/")
    request.user = AnonymousUser()
    first = labels()[0]
    assert page(request).content.decode() == f"<p>{first}</p>"
    trade = Trade.objects.get(label=first)
    with django_capture_on_commit_callbacks(execute=True):
        Trade.objects.filter(pk=trade.pk).update(label="AAA premier métier")
    assert page(request).content.decode() == "<p>AAA premier métier</p>"


def test_a_request_checks_the_values_kept_in_the_process_with_one_cache_query(
    fragment_cache, monkeypatch, django_capture_on_commit_callbacks
):
    """A search page uses several values kept in the process (the métiers, the compétences, the site's métiers):
    the first one a request asks for reads every kept value's versions at once. A write in the request forgets
    them; another process's write is seen by the next request."""
    member = UserFactory(first_name="Léa")
    computed = []

    def value(name, table):
        def compute():
            computed.append(name)
            return [name, *User.objects.values_list("first_name", flat=True)]

        return fragments.versioned(name, [table], compute, local=True)

    def request(write=None):
        fragments._on_request_started(None)  # what request_started runs (without closing the test's connection)
        try:
            values = [value("test-a", "accounts_user"), value("test-b", "skills_trade")]
            if write:
                write()
            values.append(value("test-c", "accounts_rolegrant"))
            return values
        finally:
            fragments._on_request_finished(None)

    from django.core.signals import request_finished, request_started

    for signal, uid in ((request_started, "request_started"), (request_finished, "request_finished")):
        assert any(key[0] == f"compagnons.core.fragments.{uid}" for key, *_rest in signal.receivers)
    request()
    assert computed == ["test-a", "test-b", "test-c"]
    read = []
    get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: read.append(sorted(keys)) or get_many(keys))
    assert request()[0] == ["test-a", "Léa"] and computed == ["test-a", "test-b", "test-c"]
    assert read == [
        sorted(fragments.PREFIX_VERSION + t for t in ("accounts_user", "skills_trade", "accounts_rolegrant"))
    ]

    # another process writes accounts_user: its new version is read by the next request
    cache.set(fragments.PREFIX_VERSION + "accounts_user", "another-process", timeout=None)
    User.objects.filter(pk=member.pk).update(first_name="Inès")
    assert request()[0] == ["test-a", "Inès"]

    # a write in this request, between two values: the second reads the versions again
    def write():
        with django_capture_on_commit_callbacks(execute=True):
            User.objects.filter(pk=member.pk).update(first_name="Zoé")
            cache.set(fragments.PREFIX_VERSION + "accounts_rolegrant", "moved", timeout=None)

    assert request(write)[2] == ["test-c", "Zoé"]


def test_a_process_that_never_computed_a_fragment_reads_it_in_one_round_trip_after_its_first_read(
    fragment_cache, monkeypatch
):
    """Another process stored it: the first read learns its tables from the entry (two cache reads: the entry,
    then its tables' versions); every later read fetches the entry and the versions together, in one."""
    from compagnons.skills.models import Trade

    render = lambda: f"{Trade.objects.count()} métiers"  # noqa: E731 - a table beyond the ones always read
    fragments.cached([("test-learnt", render)], member_id=None)
    fragments.cached([("test-learnt", render)], member_id=None)  # stored, with its tables
    fragments._known_tables.clear()  # as in a process that never computed it
    read = []
    get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: read.append(list(keys)) or get_many(keys))
    expected = render()
    assert str(fragments.cached([("test-learnt", render)], member_id=None)[0]) == expected
    assert len(read) == 2
    read.clear()
    assert str(fragments.cached([("test-learnt", render)], member_id=None)[0]) == expected
    assert len(read) == 1 and fragments.PREFIX_VERSION + "skills_trade" in read[0]


# --- Values of one kind per key, kept in the process (kept_each) ---------------------------------------------------


def _entries(keys: list[str], computed: list[list[str]], tables=("core_auditlog",)) -> list[str]:
    """A value per key showing the number of audit entries (core_auditlog, a table no fragment depends on otherwise),
    all computed by one query."""

    def compute(wanted):
        computed.append(list(wanted))
        count = AuditLog.objects.count()
        return {key: f"{key}={count}" for key in wanted}

    return fragments.kept_each("entries", tables, keys, compute)


def test_values_of_one_kind_are_computed_together_and_kept_until_a_table_they_show_is_written(
    fragment_cache, django_capture_on_commit_callbacks, django_assert_num_queries
):
    computed = []
    assert _entries(["a", "b", "c"], computed) == ["a=0", "b=0", "c=0"]
    assert computed == [["a", "b", "c"]]  # once for all, never once per value
    with django_assert_num_queries(0):
        assert _entries(["c", "a", "b", "a"], computed) == ["c=0", "a=0", "b=0", "a=0"]
    assert _entries(["b", "d"], computed) == ["b=0", "d=0"] and computed[-1] == ["d"]  # the missing one only

    with django_capture_on_commit_callbacks(execute=True):
        UserFactory()  # a table the values do not show: still kept
    assert _entries(["a", "b"], computed) == ["a=0", "b=0"] and len(computed) == 2
    with django_capture_on_commit_callbacks(execute=True):
        audit.log(None, "test.entry")
    assert _entries(["c", "a"], computed) == ["c=1", "a=1"] and computed[-1] == ["c", "a"]
    assert _entries(["b"], computed) == ["b=1"]  # computed with the others before the write: never served since


def test_values_are_kept_per_language(fragment_cache):
    from django.utils import translation

    computed = []
    with translation.override("en"):
        _entries(["a"], computed)
    _entries(["a"], computed)
    with translation.override("en"):
        _entries(["a"], computed)
    assert computed == [["a"], ["a"]]


def test_values_whose_computation_reads_a_table_not_named_are_never_kept(fragment_cache, caplog):
    computed = []
    assert _entries(["a"], computed, tables=("accounts_user",)) == ["a=0"]
    assert _entries(["a"], computed, tables=("accounts_user",)) == ["a=0"] and len(computed) == 2
    assert "entries: not kept (it read ['core_auditlog']" in caplog.text


def test_values_of_one_kind_without_the_cache_are_computed_together_each_time(settings):
    settings.FRAGMENT_CACHE = False
    computed = []
    assert _entries(["a", "b", "a"], computed) == ["a=0", "b=0", "a=0"] and computed == [["a", "b"]]
    assert _entries(["a", "b"], computed) == ["a=0", "b=0"] and len(computed) == 2


def test_a_page_cached_whole_that_shows_kept_values_waits_for_their_tables(
    fragment_cache, django_capture_on_commit_callbacks
):
    """The directory without a search, cached whole, shows kept cards: they run no query when kept, yet the page
    shows what they read and must be computed again when it changes."""
    computed = []

    def page():
        body = lambda: "<main>" + "".join(_entries(["a"], computed)) + "</main>"  # noqa: E731
        return fragments.cached([("page", body)], member_id=None)

    with django_capture_on_commit_callbacks(execute=True):
        _entries(["a"], computed)  # kept: the page will not compute it
        assert page() == page() == page() == ["<main>a=0</main>"]
    with django_capture_on_commit_callbacks(execute=True):
        audit.log(None, "test.entry")
    assert page() == ["<main>a=1</main>"]
