"""Search on the database's own engine: runs on SQLite (FTS5) by default and on PostgreSQL (French full-text,
GIN index) with DATABASE_URL; the same expectations hold on both."""

import pytest
from django.db import connection
from django.urls import reverse

from compagnons.community import search, services
from compagnons.community.models import Post
from tests.factories.community import ask, question_of, reply


@pytest.fixture
def corpus(asker, helper):
    facture = ask(asker, title="Facture impayée depuis trois mois", body="Mon client ne paie pas.")
    devis = ask(asker, title="Premier devis pour un site", body="Quel tarif pour une facture de site vitrine ?")
    outil = ask(asker, title="Logiciel de comptabilité", body="Lequel choisir ?")
    reply(outil, helper, body="J'utilise un tableur, et je relance chaque facture à 30 jours.")
    return {"facture": facture, "devis": devis, "outil": outil}


def titles(results):
    return [post.title for post in results.posts]


def test_every_word_must_appear_and_title_weighs_more(corpus, asker):
    results = search.search("facture", asker)
    found = titles(results)
    assert found[0] == "Facture impayée depuis trois mois"  # the title match first
    assert set(found) == {"Facture impayée depuis trois mois", "Premier devis pour un site", "Logiciel de comptabilité"}
    assert titles(search.search("facture client", asker)) == ["Facture impayée depuis trois mois"]


def test_prefixes_match(corpus, asker):
    assert "Logiciel de comptabilité" in titles(search.search("comptab", asker))


def test_only_the_last_word_may_be_a_words_start(corpus, asker):
    """The other words are whole words: the engine reads them newest first and stops at the cap (a word's start
    makes it merge the lists of every word it begins, however many posts hold them)."""
    assert titles(search.search("logiciel comptab", asker)) == ["Logiciel de comptabilité"]
    assert titles(search.search("comptab logiciel", asker)) == []


def test_a_short_words_start_is_read_from_its_own_index(corpus, asker):
    """SQLite: the FTS5 table keeps prefix indexes for 2, 3 and 4 letters (migration 0006): « co » no longer merges
    the lists of every word it begins (1 s for « de » at 2.2 million posts). PostgreSQL: its GIN index does it."""
    assert titles(search.search("logiciel co", asker)) == ["Logiciel de comptabilité"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'community_post_fts'")
            assert "prefix='2 3 4'" in cursor.fetchone()[0]


def test_the_title_first_then_the_newest(asker, helper):
    """No score computed over all the matches: the posts whose thread title holds a word first, then the newest."""
    in_title = ask(asker, title="Un acompte pour une traduction", body="Combien demander ?")
    older = ask(asker, title="Une mission longue", body="Faut-il un acompte ?")
    newer = ask(asker, title="Un client pressé", body="Il refuse l'acompte.")
    answer = reply(in_title, helper, body="Trente pour cent d'acompte.")
    found = [post.pk for post in search.search("acompte", asker).posts]
    assert found == [question_of(in_title).pk, answer.pk, question_of(newer).pk, question_of(older).pk]
    assert titles(search.search("traduction acompte", asker))[0] == in_title.title


def test_operators_and_punctuation_are_harmless(corpus, asker):
    for query in [
        '"facture',
        "facture AND",
        "NEAR(a b)",
        "facture*",
        "a:* & !",
        "'; DROP TABLE x; --",
        "é",
        "__",
        "facture ____",
        "factur_é",
        "\u0301\u0301",
    ]:
        search.search(query, asker)  # never an error
    assert search.search("!!! ??", asker).posts == []


def test_hidden_posts_and_members_only_categories_stay_out(corpus, asker, formateur, client, helper):
    private = ask(asker, slug="vie-de-l-association", title="Assemblée et facture du local")
    assert "Assemblée et facture du local" in titles(search.search("facture", asker))
    visitor = type("Visitor", (), {"is_authenticated": False})()
    assert "Assemblée et facture du local" not in titles(search.search("facture", visitor))
    services.moderate(question_of(corpus["facture"]), "hide", by=formateur, reason="Doublon")
    assert "Facture impayée depuis trois mois" not in titles(search.search("facture", asker))
    assert private


def test_edits_are_searchable_and_old_words_are_gone(corpus, asker):
    question = question_of(corpus["outil"])
    services.edit_post(question, by=asker, body="Plutôt un logiciel libre ?", title="Logiciel libre de comptabilité")
    assert "Logiciel libre de comptabilité" in titles(search.search("libre", asker))
    assert titles(search.search("choisir", asker)) == []


def test_results_are_paged(asker):
    for i in range(search.PAGE_SIZE + 3):
        ask(asker, title=f"Question de portage numéro {i}")
    first = search.search("portage", asker, 1)
    second = search.search("portage", asker, 2)
    assert len(first.posts) == search.PAGE_SIZE and first.has_next
    assert len(second.posts) == 3 and not second.has_next


def test_the_pages_skip_the_hidden_matches_in_the_rankings_order(asker, helper, formateur, monkeypatch):
    """The page is taken from the matches in the ranking's order, each kept if visible (PostgreSQL looks up the
    page's rows only): hidden posts at the top leave no hole, and the next page starts where the last one ended."""
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    titled = [ask(asker, title=f"Acompte numéro {i}", body="Combien ?") for i in range(4)]
    in_body = [ask(asker, title=f"Question {i}", body="Un acompte ?") for i in range(3)]
    for thread in (titled[3], titled[1]):
        services.moderate(question_of(thread), "hide", by=formateur, reason="Doublon")
    expected = [question_of(t).pk for t in (titled[2], titled[0], in_body[2], in_body[1], in_body[0])]
    pages = [search.search("acompte", asker, number) for number in (1, 2, 3)]
    assert [post.pk for page in pages for post in page.posts] == expected
    assert [page.has_next for page in pages] == [True, True, False]


def test_the_results_read_what_they_show_and_nothing_more(corpus, asker, django_assert_num_queries):
    """The page's posts come in one query with what the results show (no query per post when they are written), as
    plain values: never their search_vector or HTML."""
    from compagnons.community.templatetags.community import search_results

    captured = []

    def spy(execute, sql, params, many, context):
        captured.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        posts = search.search("facture", asker).posts
    assert len(posts) == 3 and all(isinstance(post, search.Found) for post in posts)
    assert "search_vector" not in captured[-1] and "body_html" not in captured[-1]
    with django_assert_num_queries(0):
        html = search_results(posts)
    assert "Facture impayée depuis trois mois" in html


def test_search_page(client, corpus, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get(reverse("community:search"), {"q": "facture"})
    assert "Facture impayée depuis trois mois" in response.content.decode()
    response = client.get(reverse("community:search"), {"q": "zzzzzz"})
    assert "Aucun message" in response.content.decode()
    assert client.get(reverse("community:search"), {"q": "x" * 500}).status_code == 200


def test_the_engine_is_used_not_a_scan(corpus, asker):
    """PostgreSQL: every post has its vector and the GIN index serves the match; SQLite: the FTS5 table does."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(
                "EXPLAIN SELECT id FROM community_post "
                "WHERE search_vector @@ to_tsquery('french'::regconfig, 'facture:*')"
            )
            plan = " ".join(row[0] for row in cursor.fetchall())
            cursor.execute("SELECT count(*) FROM community_post WHERE search_vector IS NULL")
            assert cursor.fetchone()[0] == 0
            cursor.execute("SET enable_seqscan = on")
            assert "community_post_search_idx" in plan
        else:
            cursor.execute("SELECT count(*) FROM community_post_fts WHERE community_post_fts MATCH 'facture'")
            assert cursor.fetchone()[0] == 3


def test_the_migration_and_the_bench_build_the_same_index():
    import importlib

    migration = importlib.import_module("compagnons.community.migrations.0002_search_index")
    assert migration.PG_INDEX == search.POSTGRES_INDEX


@pytest.mark.parametrize("recent", [20_000, 2], ids=["among-the-newest-posts", "through-the-index"])
def test_only_the_newest_matches_are_ranked_and_pages_stop_at_the_cap(asker, monkeypatch, client, recent):
    """The cap: of the matches, the engine hands over the newest RANKED only; the rest are never ranked, however
    well they would rank (here the oldest has the word in its title), and the page says so. On PostgreSQL the
    newest RECENT posts are read first, the index only when fewer than RANKED match there: the same results."""
    oldest = ask(asker, title="Acompte : le tout premier fil", body="Un acompte de trente pour cent.")
    for i in range(4):
        ask(asker, title=f"Question numéro {i}", body="Demandez un acompte pour les missions longues.")
    monkeypatch.setattr(search, "RECENT", recent)
    monkeypatch.setattr(search, "RANKED", 4)
    monkeypatch.setattr(search, "MAX_PAGES", 2)
    monkeypatch.setattr(search, "PAGE_SIZE", 3)
    results = search.search("acompte", asker)
    assert results.capped and len(results.posts) == 3 and results.has_next
    assert oldest.title not in titles(results)
    last = search.search("acompte", asker, 2)
    assert len(last.posts) == 1 and not last.has_next
    assert search.search("acompte", asker, 50).number == 2  # no page beyond the cap
    assert oldest.title in titles(search.search("acompte tout premier", asker))  # a word more finds it
    assert not search.search("acompte tout premier", asker).capped
    page = client.get(reverse("community:search"), {"q": "acompte"}).content.decode()
    assert "seuls les 4 plus récents sont classés" in page


def test_the_cap_ranks_inside_the_index_before_any_join(corpus, asker):
    """The newest matches are taken from the index alone (a LIMIT inside the full-text query, before the joins)."""
    captured = []

    def spy(execute, sql, params, many, context):
        captured.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        search.search("facture", asker)
    sql = " ".join(next(statement for statement in captured if "AS MATERIALIZED" in statement).split())
    inner = sql[sql.index("AS MATERIALIZED (") : sql.index(")", sql.index("LIMIT"))]
    assert "ORDER BY" in inner and "LIMIT" in inner and "JOIN" not in inner


def _matches(asker, query: str) -> list:
    """The MATCH expressions the search gave FTS5 (SQLite)."""
    captured = []

    def spy(execute, sql, params, many, context):
        if "MATCH" in sql:
            captured.append(params)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        found = titles(search.search(query, asker))
    return found, [param for params in captured for param in params if isinstance(param, str)]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 prefix indexes stop at 4 letters")
def test_a_long_words_start_is_searched_as_the_whole_words_it_begins(asker, helper):
    """« factur » (past the 4-letter prefix indexes) is looked up in the index's words and searched as « facture »
    OR « facturer », which FTS5 reads newest first and stops at the cap, instead of merging every list in full."""
    first = ask(asker, title="Facturer une association", body="Quelle mention ?")
    second = ask(asker, title="Une question", body="La facture est partie.")
    ask(asker, title="Sans rapport", body="Une fracture du poignet.")
    found, matches = _matches(asker, "factur")
    assert set(found) == {first.title, second.title}
    assert matches[0] == '("facture" OR "facturer")' and "*" not in matches[0]
    assert _matches(asker, "facturation")[0] == []  # a start no word holds finds nothing, at once
    assert _matches(asker, "associ facturer")[0] == []  # only the last word may be a word's start


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's list of the index's words")
def test_the_services_add_each_posts_new_words_to_the_index_words(asker, helper, formateur):
    def known(word: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM community_searchword WHERE word = %s", [word])
            return cursor.fetchone() is not None

    thread = ask(asker, title="Quincaillère en ligne", body="Un catalogue d'outillage_pro.")
    assert known("quincaillere") and known("catalogue") and known("outillage") and known("pro")
    answer = reply(thread, helper, body="Pensez au référencement.")
    assert known("referencement")
    services.edit_post(answer, by=helper, body="Pensez plutôt à l'hébergement.")
    assert known("hebergement")
    assert _matches(asker, "héberg")[0] == [thread.title]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's list of the index's words")
def test_a_start_beginning_too_many_words_is_read_as_a_words_start(asker, helper, monkeypatch):
    thread = ask(asker, title="Facturer une association", body="La facture est partie.")
    monkeypatch.setattr(search, "MAX_EXPANSION", 1)
    found, matches = _matches(asker, "factur")
    assert found == [thread.title] and matches[0] == '"factur"*'


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's list of the index's words")
def test_the_weekly_job_forgets_the_words_no_post_holds_any_more(asker, helper):
    from compagnons.community.jobs import forget_unindexed_search_words
    from compagnons.core import scheduler

    thread = ask(asker, title="Une question", body="Mon voisin Zébulon facture trop.")
    answer = reply(thread, helper, body="Monsieur Tartempion aussi.")
    services.edit_post(answer, by=helper, body="Je retire ce que j'ai dit.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM community_searchword WHERE word IN ('zebulon', 'tartempion')")
        assert {row[0] for row in cursor.fetchall()} == {"zebulon", "tartempion"}
        assert forget_unindexed_search_words.call() == 3  # « monsieur tartempion aussi », edited away
        cursor.execute("SELECT word FROM community_searchword WHERE word IN ('zebulon', 'tartempion', 'retire')")
        assert {row[0] for row in cursor.fetchall()} == {"zebulon", "retire"}
    assert "forget_unindexed_search_words" in {job.name for job in scheduler.registered_jobs()}


FORMER_LOOP = """{% load i18n community %}{% for post in posts %}
<li>
    <a href="{% url 'community:post' post.pk %}">{{ post.thread.title }}</a>
    <small>{{ post.thread.category.name }} · {{ post.author|author_name }}
        · {{ post.created_at|date:"SHORT_DATE_FORMAT" }}
        {% if post.is_question %}· {% translate "la question" %}{% else %}· {% translate "une réponse" %}{% endif %}
    </small>
    <p>{{ post.body|truncatechars:240 }}</p>
</li>{% endfor %}"""


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_results_written_in_python_say_what_the_templates_loop_said(asker, helper, language):
    """community.templatetags.community.search_results over the posts found: the same text, links and escaping as
    the template's loop it replaced over the posts themselves (whitespace aside), for a question and an answer, a
    title and a text members typed with markup, texts of 240 characters, a long one cut there, combining accents
    (not counted), a member's name and an author whose account was erased."""
    from django.template import Context, Template
    from django.utils import translation

    from compagnons.accounts import services as accounts
    from compagnons.community.templatetags.community import search_results
    from tests.community.conftest import settled
    from tests.factories import UserFactory

    question = ask(asker, title="<b>Devis</b> & acompte", body="<script>x</script> " + "long " * 80)
    answer = reply(question, helper, body="Un acompte de 30 % <i>avant</i>.")
    reply(question, helper, body="acompte " + "x" * 232)  # 240 characters
    reply(question, helper, body="acompte " + "x" * 233)
    reply(question, helper, body="acompte " + "q\u0301" * 200)  # 408 code points, 208 characters
    gone = settled(UserFactory(apprentice=True))
    erased = reply(question, gone, body="Merci pour l'acompte.")
    accounts.erase_account(gone, by=gone)
    posts = list(search.search("acompte", asker).posts)
    assert {p.pk for p in posts} >= {question_of(question).pk, answer.pk, erased.pk}
    stored = Post.objects.select_related("thread__category", "author").in_bulk([p.pk for p in posts])

    def squeezed(html: str) -> str:
        return " ".join(html.split())

    with translation.override(language):
        expected = Template(FORMER_LOOP).render(Context({"posts": [stored[p.pk] for p in posts]}))
        assert squeezed(search_results(posts)) == squeezed(expected)
    assert "&lt;b&gt;Devis&lt;/b&gt; &amp; acompte" in expected and "<script>" not in expected
