"""Full-text search across titles and bodies, on the database's own engine: never an `icontains` scan.

- PostgreSQL: the French configuration, the thread's title weighted A and the body B, stored per post in
  `Post.search_vector` (written by the services) under a GIN index (migration 0002);
- SQLite: an FTS5 table over the same two columns (`community_post_fts`, external content, migration 0002), kept
  in step by the services on every write.

The same rules on both:
- every word must appear, as a whole word (PostgreSQL: its French stem), except the last one, which may also be a
  word's start (« relance factur » finds « relancer la facture »: the reader may still be typing it);
- of the matches, only the newest RANKED (by post id) are ranked — the cap that keeps a common word as fast as a
  rare one over millions of posts: the engine hands the matches over newest first and stops there;
- the ranking: the posts whose thread title holds one of the words first (a match in the title weighs more than a
  match in the body), then the newest. Nothing is computed over all the matches: no bm25 / ts_rank, whose
  statistics (SQLite's bm25 counts every match of every word) cost as much as the matches are many;
- only visible posts of visible threads in categories the reader may read; pages stop at the cap (MAX_PAGES), and the
  page says when the cap was reached so that the reader adds a word.

Cost on SQLite (FTS5, 3.40): a whole word is read newest first and the reading stops at the cap, whatever the number
of posts. A word's start is read so too when the prefix indexes hold it (its first 2, 3 or 4 letters); a longer one
is looked up in the index's words (`community_searchword`, migration 0007, kept by the services with each post) and
searched as the whole words it begins (« factur » → « facture » OR « facturer »): FTS5 would otherwise merge the
lists of every word it begins, in full (15 to 45 ms at 2.2 million posts; 1 to 3 ms so). The title's words are found
by a second reading of the index, limited to the rows of the matches (no `highlight`, which reads and splits each
match's title again). See docs/community.md for the figures.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from compagnons.community.models import Category, Post, Thread

PAGE_SIZE = 20
MAX_TERMS = 8
# What `Post.search_vector` holds, as SQL over the post's own columns (the services and the bench write it).
VECTOR = (
    "setweight(to_tsvector('french'::regconfig, search_title), 'A') || "
    "setweight(to_tsvector('french'::regconfig, body), 'B')"
)

# The index migration 0002 creates on PostgreSQL (the same text; the bench drops and rebuilds it around a bulk load).
POSTGRES_INDEX = "CREATE INDEX IF NOT EXISTS community_post_search_idx ON community_post USING gin (search_vector)"


def terms(query: str) -> list[str]:
    """The words of a query, lower-cased; punctuation and operators dropped (nothing reaches the engine raw)."""
    return [word for word in re.findall(r"\w+", (query or "").lower()) if len(word) > 1][:MAX_TERMS]


# SQLite: the prefix indexes' longest (community migration 0006: prefix='2 3 4'); a longer start is looked up in the
# index's words, up to MAX_EXPANSION of them (more: read as a word's start, as before).
PREFIX_INDEXED = 4
MAX_EXPANSION = 64
INDEX_WORD = re.compile(r"[^\W_]+")


def fold(word: str) -> str:
    """A word as the FTS5 table stores it (unicode61, remove_diacritics 2): lower case, accents dropped."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def remember_words(cursor, *texts: str) -> None:
    """SQLite: add the words of `texts` to the index's words. A word no post holds any more stays until the weekly
    `forget_unindexed_words`: meanwhile it only widens a search by a word that finds nothing."""
    found = {fold(word) for text in texts for word in INDEX_WORD.findall(text or "")}
    if found:
        cursor.executemany(
            "INSERT OR IGNORE INTO community_searchword(word) VALUES (%s)", [(word,) for word in sorted(found)]
        )


def remember_index_words(cursor) -> None:
    """SQLite: add every word of the FTS5 index to the index's words at once (after a bulk load that filled the index
    without the services: the bench's data set)."""
    cursor.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.community_post_fts_terms "
        "USING fts5vocab(main, community_post_fts, 'row')"
    )
    cursor.execute("INSERT OR IGNORE INTO community_searchword(word) SELECT term FROM temp.community_post_fts_terms")
    cursor.execute("DROP TABLE temp.community_post_fts_terms")


def forget_unindexed_words() -> int:
    """SQLite: keep only the words the FTS5 index still holds (a post erased or edited leaves its words behind: a
    name among them must not outlive it). The weekly community job; one transaction. Returns the words forgotten."""
    if connection.vendor != "sqlite":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM community_searchword")
        before = cursor.fetchone()[0]
        cursor.execute("DELETE FROM community_searchword")
        remember_index_words(cursor)
        cursor.execute("SELECT count(*) FROM community_searchword")
        return before - cursor.fetchone()[0]


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _last_word(cursor, word: str) -> list[str]:
    """SQLite: the FTS5 phrases the last word stands for — itself as a word's start, or the whole words it begins."""
    start = fold(word)
    if len(start) <= PREFIX_INDEXED:
        return [f"{_quoted(start)}*"]
    after = start[:-1] + chr(ord(start[-1]) + 1)  # the first text past every word beginning with `start`
    cursor.execute(
        "SELECT word FROM community_searchword WHERE word >= %s AND word < %s ORDER BY word LIMIT %s",
        [start, after, MAX_EXPANSION + 1],
    )
    words = [row[0] for row in cursor.fetchall()]
    if not words or len(words) > MAX_EXPANSION:  # none: the index holds no such word, and says so at once
        return [f"{_quoted(start)}*"]
    return [_quoted(found) for found in words]


RANKED = 1000
MAX_PAGES = RANKED // PAGE_SIZE
# PostgreSQL: the newest posts read first, backwards, before the index (see `search`).
RECENT = 20_000


@dataclass(frozen=True, slots=True)
class Found:
    """A post found, with what the results show of it (community.templatetags `search_results`) and nothing more: no
    model instance, no search_vector nor HTML (at scale the vectors alone were most of the bytes read for a page)."""

    pk: int
    is_question: bool
    body: str
    created_at: datetime
    title: str  # the thread's
    category: str  # the category's name
    author_first_name: str
    author_last_name: str
    author_erased: bool


def _found(ids: list[int]) -> list[Found]:
    """The page's posts by id, in the order of `ids`, in one query over the four tables. Plain SQL, not the ORM: a
    queryset with three joins built, compiled and turned into 80 instances for a page of 20 was 1.2 ms of a search
    on SQLite and 1.7 ms on PostgreSQL at scale, the same rows read as tuples 0.1 to 0.7 ms (issue 21). A post deleted
    since the search's query is left out (one hidden in between still shows, as it did through the ORM)."""
    if not ids:
        return []
    user_table = connection.ops.quote_name(get_user_model()._meta.db_table)
    sql = f"""
        SELECT p.id, p.is_question, p.body, p.created_at, t.title, c.name, u.first_name, u.last_name,
               u.erased_at IS NOT NULL
        FROM {Post._meta.db_table} p
        JOIN {Thread._meta.db_table} t ON t.id = p.thread_id
        JOIN {Category._meta.db_table} c ON c.id = t.category_id
        JOIN {user_table} u ON u.id = p.author_id
        WHERE p.id IN ({", ".join(["%s"] * len(ids))})"""  # noqa: S608 - table names and placeholders only
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        rows = {row[0]: row for row in cursor.fetchall()}
    found = []
    for pk in ids:
        if pk not in rows:
            continue
        _pk, is_question, body, created_at, title, category, first_name, last_name, erased = rows[pk]
        if timezone.is_naive(created_at):  # SQLite: stored in UTC without its zone (as the ORM reads it)
            created_at = timezone.make_aware(created_at, connection.timezone)
        found.append(
            Found(pk, bool(is_question), body, created_at, title, category, first_name, last_name, bool(erased))
        )
    return found


@dataclass
class Results:
    posts: list[Found]
    number: int
    has_next: bool
    capped: bool = False  # RANKED posts or more match: only the newest RANKED were ranked

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def ranked(self) -> str:
        return f"{RANKED:,}".replace(",", "\u202f")


def search(query: str, user, page: int = 1) -> Results:
    words = terms(query)
    page = max(1, min(page, MAX_PAGES))
    if not words:
        return Results([], page, False)
    visibility = "" if user.is_authenticated else "AND c.visibility = %s"
    params_tail = [] if user.is_authenticated else [Category.Visibility.PUBLIC]
    offset = (page - 1) * PAGE_SIZE
    # Two steps in one statement: the newest RANKED matches straight from the index (`m`, materialised so that the
    # engine neither ranks nor joins the other matches), then the visibility rules and the ranking over those only.
    # Only constants are formatted into the SQL; the words are parameters.
    if connection.vendor == "postgresql":
        # whole words (their French stems), the last one as a word's start; in the title: any word, weight A only
        *whole, last = words
        tsquery = " & ".join([*whole, f"{last}:*"])
        in_title = " | ".join([*(f"{word}:A" for word in whole), f"{last}:*A"])
        # The newest RANKED matches, two ways: first among the RECENT newest posts (by id: those above the newest's
        # id less RECENT), walked backwards (bounded: a few milliseconds); only when fewer than RANKED match there,
        # the rest among the older posts (the engine walks them backwards or reads the GIN index, as it estimates
        # best; it no longer walks the newest again: « acompte sauvegarde » 36 -> 23 ms at 2.2 million posts). The
        # planner alone took the index for words often found together (its estimate multiplies each word's
        # frequency) and read 100,000 matches to keep 1,000: 1 to 5 s.
        # Whether the title holds a word is read with each match (its search_vector is at hand then), and the page
        # is taken from the matches sorted first, each kept if visible: the engine looks up the posts and threads
        # of the page's rows only (joining all 1,000 to sort them was half of the query: 10 -> 5 ms at 2.2 million
        # posts). `OFFSET 0` keeps the sorted matches a subquery whose order the filter and the LIMIT follow.
        sql = f"""
            WITH recent AS MATERIALIZED (
                SELECT r.id, r.created_at, r.search_vector @@ to_tsquery('french'::regconfig, %s) AS titled
                FROM (
                    SELECT id, created_at, search_vector FROM community_post
                    WHERE id > (SELECT max(id) FROM community_post) - %s ORDER BY id DESC LIMIT %s
                ) r
                WHERE r.search_vector @@ to_tsquery('french'::regconfig, %s)
                ORDER BY r.id DESC LIMIT %s
            ), m AS MATERIALIZED (
                SELECT id, created_at, titled FROM recent
                UNION ALL (
                    SELECT p.id, p.created_at, p.search_vector @@ to_tsquery('french'::regconfig, %s)
                    FROM community_post p
                    WHERE (SELECT count(*) FROM recent) < %s
                    AND p.id <= (SELECT max(id) FROM community_post) - %s
                    AND p.search_vector @@ to_tsquery('french'::regconfig, %s)
                    ORDER BY p.id DESC LIMIT (SELECT %s - count(*) FROM recent)
                )
            ), capped AS (SELECT count(*) >= %s AS capped FROM m)
            SELECT s.id, capped.capped, s.titled, s.created_at FROM (
                SELECT id, titled, created_at FROM m ORDER BY titled DESC, created_at DESC, id DESC OFFSET 0
            ) s CROSS JOIN capped
            WHERE EXISTS (
                SELECT 1 FROM community_post p
                JOIN community_thread t ON t.id = p.thread_id
                JOIN community_category c ON c.id = t.category_id
                WHERE p.id = s.id AND p.status = 'visible' AND t.hidden_at IS NULL {visibility}
            )
            LIMIT %s OFFSET %s"""  # noqa: S608
        params = [in_title, RECENT, RECENT, tsquery, RANKED, in_title, RANKED, RECENT, tsquery, RANKED, RANKED]
        params += params_tail
        params += [PAGE_SIZE + 1, offset]
    else:
        # FTS5 streams whole words' lists newest first and stops at the LIMIT; then the rows among those whose title
        # holds one of the words, read from the index between the oldest match and the newest post.
        with connection.cursor() as cursor:
            last = _last_word(cursor, words[-1])
        whole = [_quoted(word) for word in words[:-1]]
        tail = last[0] if len(last) == 1 else "(" + " OR ".join(last) + ")"
        match = " AND ".join([*whole, tail])
        in_title = "search_title : (" + " OR ".join([*whole, *last]) + ")"
        sql = f"""
            WITH m AS MATERIALIZED (
                SELECT rowid AS id FROM community_post_fts
                WHERE community_post_fts MATCH %s
                ORDER BY rowid DESC LIMIT %s
            ), titled AS MATERIALIZED (
                SELECT rowid AS id FROM community_post_fts
                WHERE community_post_fts MATCH %s AND rowid >= (SELECT min(id) FROM m)
            ), capped AS (SELECT count(*) >= %s AS capped FROM m)
            SELECT p.id, capped.capped FROM m
            JOIN community_post p ON p.id = m.id
            JOIN community_thread t ON t.id = p.thread_id
            JOIN community_category c ON c.id = t.category_id
            CROSS JOIN capped
            WHERE p.status = 'visible' AND t.hidden_at IS NULL {visibility}
            ORDER BY m.id IN titled DESC, p.created_at DESC, p.id DESC
            LIMIT %s OFFSET %s"""  # noqa: S608
        params = [match, RANKED, in_title, RANKED, *params_tail, PAGE_SIZE + 1, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        # the page's rows in the ranking's order whatever the plan (the subquery's order is the engine's practice)
        rows.sort(key=lambda row: (not row[2], -row[3].timestamp(), -row[0]))
    capped = bool(rows and rows[0][1])
    ids = [row[0] for row in rows]
    has_next = len(ids) > PAGE_SIZE and page < MAX_PAGES
    return Results(_found(ids[:PAGE_SIZE]), page, has_next, capped)
