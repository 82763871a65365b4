"""The directory's search (issue 21): by trade, full-text in French on PostgreSQL under a GIN index over the
published pages' members' trades (accounts/search.py, showcase migrations 0006 and 0007), FTS5 on SQLite over the
same pages (showcase migration 0008), a search by trade and region answered by that table alone; the same queries
whatever the terms (the matching ids in one query, the day's ranking from the cache, never a ranking per search);
the order of the day's ranking kept; the ranking recomputed when a page or a proof changes, not when somebody logs
in."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from compagnons.accounts import search as member_search
from compagnons.accounts.models import User
from compagnons.core import fragments
from compagnons.showcase import directory, services
from compagnons.showcase.models import Profile
from compagnons.skills.models import Certification
from tests.factories import UserFactory, judge_by_jury

pytestmark = pytest.mark.django_db

TRADES = [
    "Graphiste",
    "Secrétaire médicale",
    "Développeuse web",
    "Comptable",
    "Traductrice anglais-français",
    "Graphiste illustratrice",
    "Assistante de gestion de paie",
    "Monteur vidéo",
]


def _publish(member, headline: str):
    profile = services.profile_of(member)
    profile.headline, profile.published = headline, True
    profile.save()
    return profile


@pytest.fixture
def pages():
    return [
        _publish(UserFactory(compagnon=True, trade=trade, region="BRE" if i % 2 else "OCC"), f"Profil {i}")
        for i, trade in enumerate(TRADES)
    ]


def _headlines(client, **query) -> list[str]:
    response = client.get(reverse("showcase:directory"), query)
    assert response.status_code == 200
    ids = response.context["page"].object_list  # the page's ids; its cards are HTML (cards.page_of_cards)
    return sorted(Profile.objects.filter(pk__in=ids).values_list("headline", flat=True))


def test_a_word_or_its_beginning_finds_the_trades_holding_it(client, pages):
    assert _headlines(client, trade="graph") == ["Profil 0", "Profil 5"]
    assert _headlines(client, trade="Graphiste") == ["Profil 0", "Profil 5"]
    assert _headlines(client, trade="secrét") == ["Profil 1"]  # the accent kept (the stemmer alone would lose it)
    assert _headlines(client, trade="compta") == ["Profil 3"]
    assert _headlines(client, trade="vidéo") == ["Profil 7"]
    assert _headlines(client, trade="graph", region="BRE") == ["Profil 5"]
    assert _headlines(client, trade="menuisier") == []


def test_every_word_must_start_a_word_of_the_trade_in_any_order(client, pages):
    assert _headlines(client, trade="illustr graph") == ["Profil 5"]
    assert _headlines(client, trade="français traduc") == ["Profil 4"]
    assert _headlines(client, trade="aphiste") == []  # inside a word: no match
    if connection.vendor == "postgresql":
        assert _headlines(client, trade="graphistes") == ["Profil 0", "Profil 5"]  # the French stem: the plural too
    else:
        assert _headlines(client, trade="secretaire medicale") == ["Profil 1"]  # accents folded


def test_the_index_follows_every_write_of_a_trade(client, pages):
    """The triggers of showcase migrations 0005 (SQLite) and 0006 (PostgreSQL): a trade changed, a member deleted, a
    new member; FTS5's integrity check (a later migration that rebuilt `accounts_user` or `showcase_profile` on SQLite
    would drop the triggers: this test fails then)."""
    member = pages[3].member
    member.trade = "Menuisière d'agencement"
    member.save()
    pages[7].member.delete()
    _publish(UserFactory(compagnon=True, trade="Menuisier"), "Profil 8")
    assert _headlines(client, trade="menuis") == ["Profil 3", "Profil 8"]
    assert _headlines(client, trade="compta") == [] and _headlines(client, trade="monteur") == []
    assert _indexed_pages() == {page.pk for page in pages if page.pk != pages[7].pk} | {
        Profile.objects.get(headline="Profil 8").pk
    }
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO showcase_profile_trade_fts(showcase_profile_trade_fts, rank) VALUES ('integrity-check', 1)"
        )
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'showcase_profile_trade_fts_%'"
        )
        assert cursor.fetchone()[0] == 5


def _indexed_pages() -> set[int]:
    """The pages in the directory's search table: SQLite's FTS5 table, PostgreSQL's table under a GIN index (its
    pages of active members)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT rowid FROM showcase_profile_trade_fts")
        else:
            cursor.execute("SELECT profile_id FROM showcase_profile_trade_search WHERE active")
        return {row[0] for row in cursor.fetchall()}


def test_the_index_holds_the_published_pages_members_only(client, pages):
    """The directory shows published pages only, so its index holds their members' trades only: a page withdrawn
    leaves it, published again comes back; a member without a published page is never in it, whatever their
    trade becomes."""
    assert _indexed_pages() == {page.pk for page in pages}
    withdrawn = pages[0]
    withdrawn.published = False
    withdrawn.save()
    assert withdrawn.pk not in _indexed_pages()
    assert _headlines(client, trade="graph") == ["Profil 5"]
    lone = UserFactory(compagnon=True, trade="Graphiste")
    unpublished = services.profile_of(lone)  # a page, not published
    lone.trade = "Graphiste 3D"
    lone.save()
    assert unpublished.pk not in _indexed_pages()
    withdrawn.published = True
    withdrawn.save()
    assert _headlines(client, trade="graph") == ["Profil 0", "Profil 5"]
    assert _indexed_pages() == {page.pk for page in pages}


def test_what_a_visitor_types_is_never_a_query_operator(client, pages):
    for text in [
        "a & | ! :* ( )",
        "'",
        "--",
        "graph:* | web",
        "!!!",
        "é" * 200,
        "___",
        "a_b",
        "région : bre",
        "NEAR(graph web)",
    ]:
        for query in ({"trade": text}, {"trade": text, "region": "BRE"}):
            response = client.get(reverse("showcase:directory"), query)
            assert response.status_code == 200
    assert member_search.words("graph | web! :*") == ["graph", "web"]
    assert member_search.words("&|!") == []


def test_the_order_is_the_days_ranking_with_or_without_filters(client, pages, formateur):
    competence = Certification.objects.current().competences.filter(block__isnull=False).first()
    judge_by_jury(pages[5].member, by=formateur, validated=[competence.block])
    judge_by_jury(pages[0].member, by=formateur, validated=[competence.block])
    assert directory.ranked_ids() == [p.pk for p in directory.ranked()]
    assert directory.ranked_ids()[:2] == sorted([pages[0].pk, pages[5].pk], key=directory.ranked_ids().index)
    for filters in ({"trade": "graph"}, {"region": "BRE"}, {"competence": competence}, {"available": True}):
        assert directory.ranked_ids(**filters) == [p.pk for p in directory.ranked(**filters)], filters


def test_the_same_queries_whatever_the_terms(client, pages, django_assert_max_num_queries):
    """Issue 21 (the count varied 5–15 with the terms: the cache of each search's ids, written on a miss)."""
    competence = Certification.objects.current().competences.filter(block__isnull=False).first()
    counts = []
    for query in (
        {"trade": "graph"},
        {"trade": "graphiste illustratrice"},
        {"trade": "secrét", "region": "BRE"},
        {"region": "OCC", "available": "on"},
        {"language": "fr"},
        {"competence": competence.pk},
        {"trade": "menuisier"},
    ):
        with django_assert_max_num_queries(7) as context:
            response = client.get(reverse("showcase:directory"), query)
        assert response.status_code == 200
        if response.context["page"].object_list:  # nobody found: no cards to fill, two queries fewer
            counts.append(len(context.captured_queries))
    assert len(counts) >= 4 and len(set(counts)) == 1, counts


@pytest.fixture
def fragment_cache(settings):
    settings.FRAGMENT_CACHE = True
    cache.clear()
    yield
    cache.clear()


def test_the_days_ranking_is_computed_once_then_again_when_a_page_or_a_proof_changes(
    pages, formateur, fragment_cache, django_capture_on_commit_callbacks, monkeypatch
):
    computed = []
    ranked = directory.ranked
    monkeypatch.setattr(directory, "ranked", lambda **kw: computed.append(1) or ranked(**kw))
    with django_capture_on_commit_callbacks(execute=True):
        first = directory.ranking()
    assert directory.ranking() == first and directory.ranked_ids(trade="graph") and len(computed) == 1
    with django_capture_on_commit_callbacks(execute=True):  # a login writes the member's row: no new ranking
        User.objects.filter(pk=pages[0].member_id).update(first_name="Léa")
    assert directory.ranking() == first and len(computed) == 1

    with django_capture_on_commit_callbacks(execute=True):
        late = _publish(UserFactory(compagnon=True, trade="Graphiste"), "Profil 8")
    assert late.pk in directory.ranking() and late.pk in directory.ranked_ids(trade="graph")
    with django_capture_on_commit_callbacks(execute=True):
        services.unpublish(late, by=late.member)
    assert late.pk not in directory.ranking()

    competence = Certification.objects.current().competences.filter(block__isnull=False).first()
    last = directory.ranking()[-1]
    with django_capture_on_commit_callbacks(execute=True):
        judge_by_jury(User.objects.get(showcase__pk=last), by=formateur, validated=[competence.block])
    assert directory.ranking()[0] == last  # the proof puts them first at once


def test_a_deactivated_member_leaves_the_results_before_the_ranking_is_computed_again(
    client, pages, fragment_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        directory.ranking()
        User.objects.filter(pk=pages[0].member_id).update(is_active=False)
    assert pages[0].pk in directory.ranking()  # the account's table is not one the ranking waits for
    assert pages[0].pk not in directory.ranked_ids(trade="graph")
    assert "Profil 0" not in [p.headline for p in directory.cards(directory.ranking())]
    assert fragments.enabled()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_on_postgresql_the_search_is_french_full_text_over_the_published_pages_gin_index(pages):
    """The search reads the GIN index of the published pages' members (showcase migration 0006), not one over every
    member's trade (dropped): forced here (on a table this small the planner rightly prefers to read it whole). A
    truncated table (the tests' flush) empties it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef('showcase_profile_trade_search_idx'::regclass)")
        definition = cursor.fetchone()[0]
        cursor.execute("SELECT to_regclass('accounts_user_trade_search_idx')")
        assert cursor.fetchone()[0] is None
        matching = member_search._postgres_matching_ids(["graph"])  # the directory's filter by trade
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # not its primary key read whole either
        cursor.execute(f"EXPLAIN {matching.sql}", matching.params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "USING gin (document)" in definition
        assert "showcase_profile_trade_search_idx" in plan
        cursor.execute("SELECT document FROM showcase_profile_trade_search WHERE profile_id = %s", [pages[0].pk])
        assert "graphist" in cursor.fetchone()[0]  # the French stem of « Graphiste »
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the pending key checks of this test's writes first
        cursor.execute("TRUNCATE showcase_profile CASCADE")
    assert _indexed_pages() == set()


def test_a_members_region_and_activation_follow_them_into_the_search(client, pages):
    """PostgreSQL answers a search by trade and region from its search table alone (showcase migration 0007): the
    member's region and activation are copied there, and each change of them follows (SQLite joins the accounts)."""
    moved = pages[0].member  # Graphiste, OCC
    moved.region = "BRE"
    moved.save()
    assert _headlines(client, trade="graph", region="BRE") == ["Profil 0", "Profil 5"]
    assert _headlines(client, trade="graph", region="OCC") == []
    User.objects.filter(pk=pages[5].member_id).update(is_active=False)
    assert _headlines(client, trade="graph", region="BRE") == ["Profil 0"]
    assert _headlines(client, trade="graph") == ["Profil 0"]
    User.objects.filter(pk=pages[5].member_id).update(is_active=True)
    assert _headlines(client, trade="graph") == ["Profil 0", "Profil 5"]


def test_a_search_by_trade_and_region_reads_the_search_table_alone(pages, django_assert_num_queries):
    """One query on the search table, no join to the pages or the accounts, and the same pages as the general
    filters (`_matching`, which joins them) after a page moved to another member, a withdrawal, an inactive member's
    new page."""
    page = pages[2]
    page.member = UserFactory(compagnon=True, trade="Graphiste motion", region="OCC")
    page.save()
    pages[4].published = False
    pages[4].save()
    _publish(UserFactory(compagnon=True, trade="Graphiste", region="BRE", is_active=False), "Profil 9")
    for trade, region in [("graph", ""), ("graph", "OCC"), ("graph", "BRE"), ("traduc", ""), ("web", "BRE")]:
        filters = {"trade": trade, "region": region} if region else {"trade": trade}
        expected = set(directory._matching(**filters).values_list("pk", flat=True))
        with django_assert_num_queries(1) as captured:
            assert directory._matching_ids(filters) == expected
        sql = captured.captured_queries[0]["sql"]
        assert "showcase_profile_trade_" in sql and "JOIN" not in sql.upper() and "accounts_user" not in sql
    assert page.pk in directory._matching_ids({"trade": "motion", "region": "OCC"})
