"""The missions' text search (missions/search.py): a word finds the published missions holding it in the title,
the context or the deliverables, and its beginning finds it too; what a visitor types is never a query operator.
On PostgreSQL it is full-text search in French through the GIN index of migration 0005; on SQLite an FTS5 table kept
in step by triggers (migration 0007)."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from compagnons.missions import search, services
from compagnons.missions.models import Mission

pytestmark = pytest.mark.django_db


@pytest.fixture
def missions(make_mission):
    agenda = make_mission(title="Gestion d'agenda pour un cabinet", context="Un cabinet débordé.")
    brochure = make_mission(title="Plaquette bilingue du musée", deliverables="Une brochure touristique traduite.")
    draft = make_mission(title="Agenda en brouillon")
    Mission.objects.filter(pk__in=[agenda.pk, brochure.pk]).update(
        status=Mission.Status.PUBLISHED, published_at=timezone.now()
    )
    return agenda, brochure, draft


def _found(client, q: str) -> str:
    response = client.get(reverse("missions:list"), {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_a_word_or_its_beginning_finds_the_published_missions_holding_it(client, missions):
    agenda, brochure, draft = missions
    html = _found(client, "agenda")
    assert agenda.title in html.replace("&#x27;", "'") and brochure.title not in html and draft.title not in html
    assert agenda.title in _found(client, "agend").replace("&#x27;", "'")
    assert brochure.title in _found(client, "brochure")  # in the deliverables
    assert "débordé" not in _found(client, "menuiserie")


def test_what_a_visitor_types_is_never_a_query_operator(client, missions):
    for text in ["a & | ! :* ( )", "'", "--", "agenda:* | brochure", "!!!"]:
        _found(client, text)
    assert search.prefix_query("agenda | brochure!") == "agenda:* & brochure:*"
    assert search.prefix_query("&|!") == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_on_postgresql_the_search_is_french_full_text_over_the_gin_index(missions):
    """The query repeats the index's expression exactly (as PostgreSQL normalises both), so the planner can use it
    (on a table this small it rightly prefers the status btree: the plan itself is checked on the bench's data)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef('missions_mission_search_idx'::regclass)")
        definition = cursor.fetchone()[0]
        sql, params = search.matching(Mission.objects.published(), "agenda").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "USING gin" in definition and "WHERE ((status)::text = 'published'::text)" in definition
    expression = definition.split("USING gin (", 1)[1].rsplit(") WHERE", 1)[0]
    assert expression.startswith("to_tsvector('french'::regconfig")
    assert f"{expression} @@ " in plan


def test_a_word_found_in_the_middle_of_another_is_not_a_match(client, missions):
    """Both engines match words and their beginnings, not any run of letters (« genda » is no word of « agenda »)."""
    agenda, _brochure, _draft = missions
    assert agenda.title not in _found(client, "genda").replace("&#x27;", "'")
    assert agenda.title in _found(client, "cabinet agenda").replace("&#x27;", "'")  # every word, in any field
    assert agenda.title not in _found(client, "agenda brochure").replace("&#x27;", "'")


def test_accents_do_not_matter_on_sqlite_and_the_words_are_french_on_postgresql(client, missions):
    agenda, _brochure, _draft = missions
    assert agenda.title in _found(client, "déborde").replace("&#x27;", "'")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's")
def test_on_sqlite_the_index_follows_every_write_of_the_texts(client, missions):
    """The triggers of migration 0008: a new mission, an edited title, a deleted mission; FTS5's own integrity check
    (a later migration that rebuilt the table would drop the triggers: this test fails then)."""
    agenda, brochure, _draft = missions
    agenda.refresh_from_db()  # published by the fixture
    agenda.title = "Tenue de la comptabilité d'un cabinet"
    agenda.save()
    brochure.delete()
    html = _found(client, "comptabilite")
    assert "Tenue de la comptabilit" in html
    assert "Gestion d" not in _found(client, "agenda")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM missions_mission_fts WHERE missions_mission_fts MATCH '\"plaquette\"'")
        assert cursor.fetchone()[0] == 0
        cursor.execute("INSERT INTO missions_mission_fts(missions_mission_fts, rank) VALUES ('integrity-check', 1)")
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'missions_mission'")
        assert len(cursor.fetchall()) == 3


def _indexed_ids() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM missions_mission_fts")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's")
def test_on_sqlite_the_index_holds_the_published_missions_only(
    client, make_mission, client_user, formateur, competences
):
    """A search shows published missions only, so the index holds only them (migration 0008): a mission enters it
    when staff publish it, and leaves it when it is cancelled; drafts and submitted missions are never in it."""
    mission = make_mission(title="Inventaire d'une quincaillerie", picked=competences[:1])
    assert mission.pk not in _indexed_ids()
    services.submit(mission, by=client_user)
    assert mission.pk not in _indexed_ids()
    services.publish(mission, by=formateur, checklist=dict.fromkeys(services.QUALIFICATION_CHECKLIST, True))
    assert mission.pk in _indexed_ids()
    assert "Inventaire d" in _found(client, "quincaill").replace("&#x27;", "'")
    services.cancel(mission, by=client_user)
    assert mission.pk not in _indexed_ids()
    assert "Inventaire d" not in _found(client, "quincaill").replace("&#x27;", "'")
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO missions_mission_fts(missions_mission_fts, rank) VALUES ('integrity-check', 1)")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL sorts the matches it read")
def test_on_postgresql_a_search_matches_once_its_count_comes_with_its_page(client, missions):
    """PostgreSQL reads every match through the GIN index and sorts them: the page and the number of matches in one
    query (core.pagination.CountedPaginator), not once for the count and again for the page."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        html = _found(client, "agenda")
    assert "Gestion d" in html.replace("&#x27;", "'")
    assert len([q["sql"] for q in queries.captured_queries if "@@" in q["sql"]]) == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_on_sqlite_a_search_walks_the_published_missions_newest_first_and_never_sorts_its_matches(client, missions):
    """The page's query walks the (status, published_at) index in its order and stops at the page's end, keeping
    the missions among the matches; it never fetches every match to sort them in a temporary tree."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        html = _found(client, "agenda")
    assert "Gestion d" in html.replace("&#x27;", "'") and "Plaquette" not in html
    page_sql = next(
        q["sql"] for q in queries.captured_queries if "missions_mission_fts" in q["sql"] and "LIMIT" in q["sql"]
    )
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {page_sql}")
        plan = " | ".join(row[-1] for row in cursor.fetchall())
    assert "USING INDEX mission_status_pub_idx" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 table")
def test_on_sqlite_a_search_by_words_alone_counts_its_matches_in_the_index(client, missions, make_mission):
    """The index holds the published missions only: a search by words alone counts there, without reading a
    mission; with another filter the count is the filtered one."""
    from django.test.utils import CaptureQueriesContext

    remote = make_mission(title="Agenda partagé d'une association", place=Mission.Place.ON_SITE)
    Mission.objects.filter(pk=remote.pk).update(status=Mission.Status.PUBLISHED, published_at=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("missions:list"), {"q": "agenda"})
    expected = search.matching(Mission.objects.published(), "agenda").count()
    assert response.context["page"].paginator.count == 2 == expected
    counts = [q["sql"] for q in queries.captured_queries if "count(" in q["sql"].lower()]
    assert len(counts) == 1 and "missions_mission_fts" in counts[0] and 'missions_mission"' not in counts[0], counts
    response = client.get(reverse("missions:list"), {"q": "agenda", "place": Mission.Place.ON_SITE})
    assert response.context["page"].paginator.count == 1
    assert [m.pk for m in response.context["page"].object_list] == [remote.pk]


def _page_ids(page) -> tuple:
    return [m.pk for m in page.object_list], page.paginator.count, page.number, page.has_next()


def test_a_search_by_words_alone_is_the_filtered_lists_page_without_compiling(published, formateur, settings):
    """`words_page` reads the page through SQL compiled once per process (core.compiled.CompiledSlice): the same
    missions, order, count and page number as the list's queryset, on a site with its métiers first too; a second
    search compiles nothing."""
    from unittest import mock

    from django.db.models.sql.compiler import SQLCompiler

    from compagnons.core import sites
    from compagnons.missions.forms import FilterForm
    from compagnons.skills.models import Trade

    trades = list(Trade.objects.order_by("pk")[:2])
    for n in range(7):
        published(title=f"Agenda numéro {n}", trade=trades[n % 2], context="Un cabinet." if n % 3 else "Une école.")
    site = sites.site_for_host("testserver")
    settings.FRAGMENT_CACHE = False
    with mock.patch.object(search, "PAGE_SIZE", 3):
        for positions in ([], [trades[1]]):
            services.set_site_trades(site, positions, by=formateur)
            for q, number in [("agenda", 1), ("agenda", 2), ("agenda", "3"), ("agenda", 9), ("agenda cabinet", 1),
                              ("ecole", "x"), ("menuiserie", 1)]:  # fmt: skip
                form = FilterForm({"q": q})
                assert form.is_valid() and search.words_only(form.cleaned_data)
                expected = _page_ids(search.filtered_page(form.cleaned_data, site, number))
                assert _page_ids(search.words_page(q, site, number)) == expected, (positions, q, number)
        with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as compiled:
            page = search.words_page("cabinet agenda", site, 2)
        read = Mission.objects.select_related("trade").in_bulk([m.pk for m in page.object_list])
        assert [m.trade_label for m in page.object_list] == [read[m.pk].trade.label for m in page.object_list]
    missions_compiled = [call for call in compiled.call_args_list if call.args[0].query.model is Mission]
    assert missions_compiled == []  # (the site's métiers are read apart, uncached in the tests)


def test_the_list_uses_the_compiled_page_for_words_alone_only(client, published, monkeypatch):
    published(title="Agenda d'un cabinet", place=Mission.Place.REMOTE)
    calls = []
    original = search.words_page
    monkeypatch.setattr(search, "words_page", lambda *args: calls.append(args) or original(*args))
    assert "Agenda d" in _found(client, "agenda").replace("&#x27;", "'")
    assert len(calls) == 1
    response = client.get(reverse("missions:list"), {"q": "agenda", "place": Mission.Place.REMOTE})
    assert response.status_code == 200 and len(calls) == 1 and response.context["page"].paginator.count == 1


def test_a_search_that_finds_nothing_reads_no_page(published):
    """Nothing found: the count says so, and the empty first page is not read (SQLite: the count alone; PostgreSQL:
    the page with its count, then the plain count)."""
    from django.test.utils import CaptureQueriesContext

    published(title="Agenda d'un cabinet")
    search.words_page("agenda", None, 1)  # compiled once
    with CaptureQueriesContext(connection) as queries:
        page = search.words_page("menuiserie", None, 1)
    assert list(page.object_list) == [] and page.paginator.count == 0 and page.number == 1
    read = [q["sql"] for q in queries.captured_queries if "missions_sitetradeorder" not in q["sql"]]  # uncached here
    assert len(read) == (2 if connection.vendor == "postgresql" else 1), read


def test_a_search_by_words_alone_shows_its_missions_as_the_list_shows_them(published):
    """`words_page` gives plain `Summary` values, not model instances: the summaries written from them are those
    written from the list's missions, dates, hours, place, métier and escaping included."""
    import datetime

    from compagnons.missions.forms import FilterForm
    from compagnons.missions.templatetags.missions import mission_summaries

    published(title="Agenda <b>partagé</b> & « suivi »", hours=1, place=Mission.Place.REMOTE)
    dated = published(title="Agenda d'un cabinet", hours=35, euros=1200)
    Mission.objects.filter(pk=dated.pk).update(
        starts_on=datetime.date(2027, 3, 3), deadline=datetime.date(2027, 4, 4), place=Mission.Place.ON_SITE
    )
    form = FilterForm({"q": "agenda"})
    assert form.is_valid()
    words = search.words_page("agenda", None, 1)
    listed = search.filtered_page(form.cleaned_data, None, 1)
    assert {type(m) for m in words.object_list} == {search.Summary}
    assert all(isinstance(m, Mission) for m in listed.object_list)
    html = mission_summaries(words.object_list)
    assert html == mission_summaries(listed.object_list)
    assert "Agenda &lt;b&gt;partagé&lt;/b&gt; &amp; « suivi »" in html and "du 3 mars au 4 avril 2027" in html
    assert "35 heures estimées" in html and "1 heure estimée" in html
