"""The missions' text search, on each database's own full-text engine, with the same rule on both: every word the
visitor typed must appear, as a word or a word's beginning (« agend » finds « agenda »), in the title, the context
or the deliverables; nothing the visitor types is ever a query operator.

- PostgreSQL: full-text search in French through a GIN index over the published missions (migration 0005);
- SQLite: an FTS5 table of the published missions, with prefix indexes and accents folded (migration 0008), kept in
  step by triggers on the status and the three columns.

The page, newest first: PostgreSQL reads the matches through the GIN index and sorts them, so their number comes
with the page (`paginator`: CountedPaginator, one query). SQLite walks the published missions newest first through
their (status, published_at) index, keeps those among the matches and stops at the page's end (its planner would
rather fetch every match by its id and sort them all: 4.6 ms a search at scale, 0.35 now); the count is apart, and
for a search by words alone read from the FTS5 table, which holds the published missions only (0.03 to 0.17 ms at
scale instead of 0.6 to 1.0 ms looking up each match's mission).

Caution for a later migration of `Mission`: on SQLite, a migration that rebuilds the table (most `AlterField`)
drops its triggers with it; tests/missions/test_search.py fails if they are gone."""

import functools
import re

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F, Func, IntegerField, QuerySet

from compagnons.core import sqlite_fts
from compagnons.core.pagination import CountedPaginator

# The expression of the index (migration 0005_mission_search_index): a query must repeat it exactly to use it.
PG_DOCUMENT = "to_tsvector('french'::regconfig, title || ' ' || context || ' ' || deliverables)"
WORD = re.compile(r"\w+")
MAX_WORDS = 8


def words(text: str) -> list[str]:
    """The visitor's words, lower-cased; punctuation and operators dropped."""
    return WORD.findall(text.lower())[:MAX_WORDS]


def prefix_query(text: str) -> str:
    """PostgreSQL: `mot1:* & mot2:*` from the visitor's words, nothing else of theirs (no tsquery operators)."""
    return " & ".join(f"{word}:*" for word in words(text))


def matching(missions: QuerySet, text: str) -> QuerySet:
    if connection.vendor == "postgresql":
        query = prefix_query(text)
        if not query:
            return missions
        return missions.extra(  # noqa: S610 - a fixed expression; the words go as a parameter
            where=[f"{PG_DOCUMENT} @@ to_tsquery('french'::regconfig, %s)"], params=[query]
        )
    found = words(text)
    if not found:
        return missions
    # `+id`: the id as a value, not a way into the table, so the planner walks the published missions in order
    unindexed = Func(F("pk"), template="+%(expressions)s", output_field=IntegerField())
    return missions.alias(unindexed_pk=unindexed).filter(
        unindexed_pk__in=sqlite_fts.matching_ids("missions_mission_fts", found)
    )


FTS_TABLE = "missions_mission_fts"


class WordsCountPaginator(Paginator):
    """SQLite, a search by words alone: the number of matches counted in the FTS5 table (the published missions
    only, migration 0008), not by looking up each match's mission; the page read as Django's Paginator does."""

    def __init__(self, object_list, per_page, *, text: str):
        super().__init__(object_list, per_page)
        self.text = text

    @functools.cached_property
    def count(self) -> int:
        query = sqlite_fts.matching_ids(FTS_TABLE, words(self.text))
        with connection.cursor() as cursor:
            # a constant table name; the words go as a parameter
            cursor.execute(query.sql.replace("SELECT rowid", "SELECT count(*)", 1), query.params)
            return cursor.fetchone()[0]


def paginator(filters: dict):
    """How a search's page and count are read (see the module's docstring), from the list's filters (the words in
    `q`, the others empty or not)."""
    if connection.vendor == "postgresql":
        return CountedPaginator
    others = [value for name, value in filters.items() if name != "q" and value not in ("", None)]
    if not others and words(filters["q"]):
        return functools.partial(WordsCountPaginator, text=filters["q"])
    return Paginator
