"""Published pages found by their member's trade (the directory's « Métier »), the directory's one use: every word
of the visitor's must start a word of the trade (« graph » finds « Graphiste », « secrét » finds « Secrétaire
médicale »), in any order. Both engines read a table of the published pages of active members only, one row per
page with the member's trade and region, kept in step by triggers (a page published, withdrawn, given to another
member or deleted; a member's trade, region or activation changed; a member deleted): at scale 20,000 of 100,000
members. A search by trade, alone or with a region, is answered by that table alone (`published_pages`); with the
directory's other filters it is one condition of theirs (`page_matches`).

- PostgreSQL (showcase migrations 0006 and 0007): `showcase_profile_trade_search`, the French tsvector of each
  trade under a GIN index, the page's id, the region, the account's activation. Each word is looked up both as
  French stems it (« graphisme » finds « graphiste ») and as typed (the French stemmer cuts « secrét » to « secret »,
  which starts no stem of « secrétaire »); either may match.
- SQLite (showcase migration 0008): the FTS5 table `showcase_profile_trade_fts` (rowid = the page's id; the trade,
  and the region as a column of its own), prefix indexes, accents folded, no stemming.

A later migration that rebuilds `accounts_user` or `showcase_profile` on SQLite drops their triggers:
tests/showcase/test_directory_search.py fails then."""

import re

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

# PostgreSQL: the published pages, their members' trades (tsvector), regions, activation (showcase 0006, 0007).
POSTGRES_TABLE = "showcase_profile_trade_search"
WORD = re.compile(r"\w+")
MAX_WORDS = 8


def words(text: str) -> list[str]:
    """The visitor's words, lower-cased; nothing else of theirs reaches the engine (no tsquery operators)."""
    return WORD.findall((text or "").lower())[:MAX_WORDS]


def _postgres_matching_ids(terms: list[str]) -> RawSQL:
    """PostgreSQL: the pages whose member's trade holds every word (`document @@ (word1 & word2…)`), each word a
    prefix, French or as typed."""
    each = "(to_tsquery('french'::regconfig, %s) || to_tsquery('simple'::regconfig, %s))"
    query = " && ".join([each] * len(terms))
    prefixes = [f"{term}:*" for term in terms for _config in ("french", "simple")]
    # only constants are formatted in; the words go as parameters
    sql = f"SELECT profile_id FROM {POSTGRES_TABLE} WHERE active AND document @@ ({query})"  # noqa: S608
    return RawSQL(sql, prefixes)  # noqa: S611


SQLITE_TABLE = "showcase_profile_trade_fts"


def _matching_ids(terms: list[str], region: str = "") -> RawSQL:
    """The ids of the pages whose member's trade holds every word (and who live in `region`), on the search table
    alone. SQLite: `trade : "mot1"* AND trade : "mot2"*` (and `region : "bre"`), each word quoted, never an FTS5
    operator (the words are \\w+, which holds no quote; a region is a code of the form's choices)."""
    if connection.vendor == "postgresql":
        matching = _postgres_matching_ids(terms)
        if not region:
            return matching
        return RawSQL(f"{matching.sql} AND region = %s", [*matching.params, region])  # noqa: S611
    match = " AND ".join(f'trade : "{term}"*' for term in terms)
    if region:
        match += ' AND region : "' + region.replace('"', "") + '"'
    # a constant table name formatted in; the words go as a parameter
    return RawSQL(f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s", [match])  # noqa: S608, S611


def published_pages(text: str, region: str = "") -> list[int]:
    """The ids of the published pages of active members whose trade matches `text` (and who live in `region`, when
    given), from the search table alone, without a join. An empty or wordless text finds nothing."""
    terms = words(text)
    if not terms:
        return []
    matching = _matching_ids(terms, region)
    with connection.cursor() as cursor:
        cursor.execute(matching.sql, matching.params)
        return [row[0] for row in cursor.fetchall()]


def page_matches(text: str) -> Q:
    """A filter of published pages (`Profile.objects.filter(…)`): those whose member's trade matches `text`. An
    empty or wordless text filters nothing."""
    terms = words(text)
    return Q(pk__in=_matching_ids(terms)) if terms else Q()
