"""Members found by their trade (the directory's « Métier »), among the members whose page is published — the
directory's, its one use: every word of the visitor's must start a word of the trade (« graph » finds « Graphiste »,
« secrét » finds « Secrétaire médicale »), in any order. Both engines read a table of the published pages' members
only, kept in step by triggers (a page published, withdrawn or deleted; a trade changed; a member deleted): at scale
20,000 of 100,000 members.

- PostgreSQL (showcase migration 0006): `showcase_profile_trade_search`, the French tsvector of each one's trade
  under a GIN index. Each word is looked up both as French stems it (« graphisme » finds « graphiste ») and as typed
  (the French stemmer cuts « secrét » to « secret », which starts no stem of « secrétaire »); either may match.
- SQLite (showcase migration 0005): the FTS5 table `showcase_profile_trade_fts`, prefix indexes, accents folded, no
  stemming.

A later migration that rebuilds `accounts_user` or `showcase_profile` on SQLite drops their triggers:
tests/showcase/test_directory_search.py fails then."""

import re

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from compagnons.core import sqlite_fts

# PostgreSQL: the published pages' members and their trades' tsvector (showcase migration 0006).
POSTGRES_TABLE = "showcase_profile_trade_search"
WORD = re.compile(r"\w+")
MAX_WORDS = 8


def words(text: str) -> list[str]:
    """The visitor's words, lower-cased; nothing else of theirs reaches the engine (no tsquery operators)."""
    return WORD.findall((text or "").lower())[:MAX_WORDS]


def _postgres_matching_ids(terms: list[str]) -> RawSQL:
    """PostgreSQL: `document @@ (word1 & word2…)`, each word a prefix, French or as typed."""
    each = "(to_tsquery('french'::regconfig, %s) || to_tsquery('simple'::regconfig, %s))"
    query = " && ".join([each] * len(terms))
    prefixes = [f"{term}:*" for term in terms for _config in ("french", "simple")]
    # only constants are formatted in; the words go as parameters
    return RawSQL(f"SELECT member_id FROM {POSTGRES_TABLE} WHERE document @@ ({query})", prefixes)  # noqa: S608, S611


def published_pages(text: str, region: str = "") -> list[int]:
    """PostgreSQL: the ids of the published pages of active members whose trade matches `text` (and who live in
    `region`, when given), read from the search table alone (showcase migration 0007 keeps the page's id, the
    member's region and activation there): the directory's search by trade, and region, without a join."""
    terms = words(text)
    matching = _postgres_matching_ids(terms)
    sql = matching.sql.replace("SELECT member_id", "SELECT profile_id", 1) + " AND active"
    params = list(matching.params)
    if region:
        sql += " AND region = %s"
        params.append(region)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def trade_matches(text: str, path: str = "trade") -> Q:
    """A filter for `.filter()`: the members (at `path` from the queried model, « member__trade ») whose trade
    matches `text`, among the members whose page is published (the directory's search, its one use).
    An empty or wordless text filters nothing."""
    terms = words(text)
    if not terms:
        return Q()
    owner = path.removesuffix("trade")  # « member__ », or nothing for the members themselves
    if connection.vendor == "postgresql":
        return Q(**{f"{owner}pk__in": _postgres_matching_ids(terms)})
    return Q(**{f"{owner}pk__in": sqlite_fts.matching_ids("showcase_profile_trade_fts", terms)})
