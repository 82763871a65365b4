"""Full-text search across titles and bodies, on the database's own engine: never an `icontains` scan.

- PostgreSQL: the French configuration, the thread's title weighted A and the body B, stored per post in
  `Post.search_vector` (written by the services) under a GIN index (migration 0002);
- SQLite: an FTS5 table over the same two columns (`community_post_fts`, external content, migration 0002), kept
  in step by the services on every write.

The same rules on both: every word must appear (as a word's start: « factur » finds « facture »); of the matches,
only the newest RANKED (by post id) are ranked — the cap that keeps a common word as fast as a rare one over millions
of posts (the engine hands them over in id order without ranking the rest) — then a match in the title weighs 2.5
times a match in the body (PostgreSQL's default weights A = 1.0, B = 0.4; SQLite's bm25 column weights 2.5 and 1),
then the newest first. Only visible posts of visible threads in categories the reader may read; pages stop at the
cap (MAX_PAGES), and the page says when the cap was reached so that the reader adds a word.
"""

import re
from dataclasses import dataclass

from django.db import connection

from compagnons.community.models import Category, Post

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


RANKED = 1000
MAX_PAGES = RANKED // PAGE_SIZE


@dataclass
class Results:
    posts: list[Post]
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
        tsquery = " & ".join(f"{word}:*" for word in words)
        sql = f"""
            WITH m AS MATERIALIZED (
                SELECT p.id FROM community_post p
                WHERE p.search_vector @@ to_tsquery('french'::regconfig, %s)
                ORDER BY p.id DESC LIMIT %s
            ), capped AS (SELECT count(*) >= %s AS capped FROM m)
            SELECT p.id, capped.capped FROM m
            JOIN community_post p ON p.id = m.id
            JOIN community_thread t ON t.id = p.thread_id
            JOIN community_category c ON c.id = t.category_id
            CROSS JOIN capped
            WHERE p.status = 'visible' AND t.hidden_at IS NULL {visibility}
            ORDER BY ts_rank(p.search_vector, to_tsquery('french'::regconfig, %s)) DESC, p.created_at DESC, p.id DESC
            LIMIT %s OFFSET %s"""  # noqa: S608
        params = [tsquery, RANKED, RANKED, *params_tail, tsquery, PAGE_SIZE + 1, offset]
    else:
        match = " ".join(f'"{word}"*' for word in words)
        sql = f"""
            WITH m AS MATERIALIZED (
                SELECT rowid AS id, bm25(community_post_fts, 2.5, 1.0) AS score FROM community_post_fts
                WHERE community_post_fts MATCH %s
                ORDER BY rowid DESC LIMIT %s
            ), capped AS (SELECT count(*) >= %s AS capped FROM m)
            SELECT p.id, capped.capped FROM m
            JOIN community_post p ON p.id = m.id
            JOIN community_thread t ON t.id = p.thread_id
            JOIN community_category c ON c.id = t.category_id
            CROSS JOIN capped
            WHERE p.status = 'visible' AND t.hidden_at IS NULL {visibility}
            ORDER BY m.score, p.created_at DESC, p.id DESC
            LIMIT %s OFFSET %s"""  # noqa: S608
        params = [match, RANKED, RANKED, *params_tail, PAGE_SIZE + 1, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    capped = bool(rows and rows[0][1])
    ids = [row[0] for row in rows]
    has_next = len(ids) > PAGE_SIZE and page < MAX_PAGES
    ids = ids[:PAGE_SIZE]
    found = Post.objects.select_related("thread__category", "author").in_bulk(ids)
    return Results([found[pk] for pk in ids if pk in found], page, has_next, capped)
