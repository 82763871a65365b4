"""The missions' text search, on each database's own full-text engine, with the same rule on both: every word the
visitor typed must appear, as a word or a word's beginning (« agend » finds « agenda »), in the title, the context
or the deliverables; nothing the visitor types is ever a query operator.

- PostgreSQL: full-text search in French through a GIN index over the published missions (migration 0005);
- SQLite: an FTS5 table of the published missions, with prefix indexes and accents folded (migration 0008), kept in
  step by triggers on the status and the three columns.

The page, newest first: PostgreSQL reads the matches through the GIN index and sorts them, so their number comes
with the page (CountedPaginator, one query). SQLite walks the published missions newest first through their
(status, published_at) index, keeps those among the matches and stops at the page's end (its planner would rather
fetch every match by its id and sort them all: 4.6 ms a search at scale, 0.35 now); the count is apart, and for a
search by words alone read from the FTS5 table, which holds the published missions only (0.03 to 0.17 ms at scale
instead of 0.6 to 1.0 ms looking up each match's mission).

A search by words alone (`words_page`, the most asked) reads its page through SQL compiled once per process; any
other filter goes through the list's queryset (`filtered_page`).

Caution for a later migration of `Mission`: on SQLite, a migration that rebuilds the table (most `AlterField`)
drops its triggers with it; tests/missions/test_search.py fails if they are gone."""

import re
from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, F, Func, IntegerField, QuerySet, Window

from compagnons.core import sqlite_fts
from compagnons.core.compiled import CompiledSlice
from compagnons.core.pagination import TOTAL, CountedPaginator

# The expression of the index (migration 0005_mission_search_index): a query must repeat it exactly to use it.
PG_DOCUMENT = "to_tsvector('french'::regconfig, title || ' ' || context || ' ' || deliverables)"
WORD = re.compile(r"\w+")
MAX_WORDS = 8
PAGE_SIZE = 20


def words(text: str) -> list[str]:
    """The visitor's words, lower-cased; punctuation and operators dropped."""
    return WORD.findall(text.lower())[:MAX_WORDS]


def prefix_query(text: str) -> str:
    """PostgreSQL: `mot1:* & mot2:*` from the visitor's words, nothing else of theirs (no tsquery operators)."""
    return " & ".join(f"{word}:*" for word in words(text))


def expression(text: str) -> str:
    """What the engine matches the visitor's words with: PostgreSQL's tsquery (`prefix_query`), SQLite's FTS5
    expression (`sqlite_fts.match_expression`); "" when they typed no word."""
    if connection.vendor == "postgresql":
        return prefix_query(text)
    found = words(text)
    return sqlite_fts.match_expression(found) if found else ""


def matching(missions: QuerySet, text: str) -> QuerySet:
    found = expression(text)
    return _matching_expression(missions, found) if found else missions


def _matching_expression(missions: QuerySet, found: str) -> QuerySet:
    if connection.vendor == "postgresql":
        return missions.extra(  # noqa: S610 - a fixed expression; the words go as a parameter
            where=[f"{PG_DOCUMENT} @@ to_tsquery('french'::regconfig, %s)"], params=[found]
        )
    # `+id`: the id as a value, not a way into the table, so the planner walks the published missions in order
    unindexed = Func(F("pk"), template="+%(expressions)s", output_field=IntegerField())
    return missions.alias(unindexed_pk=unindexed).filter(unindexed_pk__in=sqlite_fts.ids_matching(FTS_TABLE, found))


FTS_TABLE = "missions_mission_fts"


def words_count(text: str) -> int:
    """SQLite: how many published missions hold the words, counted in the FTS5 table alone."""
    query = sqlite_fts.ids_matching(FTS_TABLE, expression(text))
    with connection.cursor() as cursor:
        # a constant table name; the words go as a parameter
        cursor.execute(query.sql.replace("SELECT rowid", "SELECT count(*)", 1), query.params)
        return cursor.fetchone()[0]


def words_only(filters: dict) -> bool:
    """A search by words alone: words in `q`, every other filter of the list empty."""
    others = [value for name, value in filters.items() if name != "q" and value not in ("", None)]
    return not others and bool(words(filters["q"]))


def filtered_page(filters: dict, site, number) -> Page:
    """The list's page `number` for its filters (the filter form's cleaned data, or {} when it is not valid: every
    published mission), on `site`; the métiers it shows first (`Mission.for_site`), then newest first. A search reads
    its matches and their number in one query on PostgreSQL (`CountedPaginator`), as two on SQLite."""
    from compagnons.missions.models import Mission

    missions = Mission.objects.published().select_related("trade")
    if filters.get("q"):
        missions = matching(missions, filters["q"])
    if filters.get("trade"):
        missions = missions.filter(trade=filters["trade"])
    if filters.get("competence"):
        missions = missions.filter(competences=filters["competence"])
    if filters.get("place"):
        missions = missions.filter(place=filters["place"])
    duration = filters.get("duration")
    if duration == "short":
        missions = missions.filter(estimated_hours__lt=20)
    elif duration == "medium":
        missions = missions.filter(estimated_hours__gte=20, estimated_hours__lte=80)
    elif duration == "long":
        missions = missions.filter(estimated_hours__gt=80)
    if filters.get("starts_after"):
        missions = missions.filter(starts_on__gte=filters["starts_after"])
    missions = missions.for_site(site).only(*SUMMARY_FIELDS)
    searching = filters.get("q") and connection.vendor == "postgresql"
    return (CountedPaginator if searching else Paginator)(missions, PAGE_SIZE).get_page(number)


# --- A search by words alone: its page read by SQL compiled once per process ------------------------------------

# What a summary shows (templatetags mission_summaries), not the long texts: a search sorts its matches.
SUMMARY_FIELDS = ("title", "trade__label", "place", "estimated_hours", "starts_on", "deadline", "published_at")


@dataclass(frozen=True, slots=True)
class Summary:
    """A mission found by a search by words alone, with what its summary shows (templatetags `mission_summaries`)
    and nothing more: no model instance. The twenty missions and métiers of a page built as instances were 0.6 ms
    of a search in one process at scale, a sixth of it (issue 21)."""

    pk: int
    title: str
    trade_label: str | None
    place: str
    estimated_hours: int
    starts_on: date | None
    deadline: date | None
    total: int | None = None  # PostgreSQL: the number of all the matches, read with the page (CountedPaginator)


SUMMARY_VALUES = ("pk", "title", "trade__label", "place", "estimated_hours", "starts_on", "deadline")


def _words_page(positions: tuple, found: str) -> QuerySet:
    """The published missions `found` matches, in the site's order (`positions`), as `Summary`'s values; on
    PostgreSQL with their number after each row's (`CountedPaginator`)."""
    from compagnons.missions.models import Mission

    missions = _matching_expression(Mission.objects.published(), found).for_positions(positions)
    if connection.vendor == "postgresql":
        return missions.annotate(**{TOTAL: Window(Count("*"))}).values_list(*SUMMARY_VALUES, TOTAL)
    return missions.values_list(*SUMMARY_VALUES)


WORDS_PAGE = CompiledSlice(_words_page)


class _WordsResults:
    """A search by words alone as a paginator's list: each page read through `WORDS_PAGE` (no queryset built nor
    compiled: about 1 ms of the search in one process, issue 21) as `Summary` values, counted by `count()` (SQLite:
    in the FTS5 table; PostgreSQL: with the page, `count()` only past the end or when nothing is found)."""

    def __init__(self, text: str, positions: tuple):
        self.text, self.found, self.positions = text, expression(text), positions

    def __getitem__(self, window: slice) -> list[Summary]:
        # always a whole page's slice (Paginator ends the last page at the count: one compiled slice per page, not
        # per count), cut to the window asked
        start = window.start or 0
        if window.stop is not None and window.stop <= start:
            return []  # the first page of a search that found nothing: no query
        rows = WORDS_PAGE.rows(start=start, stop=start + PAGE_SIZE, shape=self.positions, found=self.found)
        return [Summary(*row) for row in rows[: window.stop - start]]

    def count(self) -> int:
        if connection.vendor == "postgresql":
            return _words_page(self.positions, self.found).count()
        return words_count(self.text)


class _CountedWordsPaginator(CountedPaginator):
    def counted_rows(self, bottom: int, top: int) -> list:
        return self.object_list[bottom:top]  # their number is among the compiled page's columns

    def total(self, rows: list[Summary]) -> int:
        return rows[0].total


def words_page(text: str, site, number) -> Page:
    """The page `number` of a search by words alone (`words_only`) on `site`, as Django's `Paginator.get_page` gives
    it: the same missions, order and count as the list's queryset (tests/missions/test_search.py)."""
    from compagnons.missions.models import site_trade_positions

    positions = tuple(site_trade_positions().get(site.pk if site else None) or ())
    results = _WordsResults(text, positions)
    if connection.vendor == "postgresql":
        return _CountedWordsPaginator(results, PAGE_SIZE).get_page(number)
    return Paginator(results, PAGE_SIZE).get_page(number)
