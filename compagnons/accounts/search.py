"""Members found by their trade (the directory's « Métier »): on PostgreSQL, its full-text search in French over
`User.trade`, under a GIN index (migration 0005); every word of the visitor's must start a word of the trade
(« graph » finds « Graphiste », « secrét » finds « Secrétaire médicale »), in any order. Each word is looked up both
as French stems it (« graphisme » finds « graphiste ») and as typed (the French stemmer cuts « secrét » to
« secret », which starts no stem of « secrétaire »); either may match.

On SQLite the same rule (every word starts a word of the trade, in any order; accents folded, no stemming) through
an FTS5 table with prefix indexes of the trades of the members whose page is published — the directory's only
(showcase migration 0005, which replaced every member's of migration 0006), kept in step by triggers; a later
migration that rebuilds `accounts_user` or `showcase_profile` on SQLite drops them:
tests/showcase/test_directory_search.py fails then)."""

import re

from django.db import connection
from django.db.models import BooleanField, F, Func, Q

from compagnons.core import sqlite_fts

# The expression of the index (migration 0005_user_trade_search_index): a query repeats it to use the index.
DOCUMENT = "to_tsvector('french'::regconfig, {column})"
WORD = re.compile(r"\w+")
MAX_WORDS = 8


def words(text: str) -> list[str]:
    """The visitor's words, lower-cased; nothing else of theirs reaches the engine (no tsquery operators)."""
    return WORD.findall((text or "").lower())[:MAX_WORDS]


class TradeMatches(Func):
    """PostgreSQL: `to_tsvector('french', trade) @@ (word1 & word2…)`, each word a prefix, French or as typed."""

    output_field = BooleanField()

    def __init__(self, column, terms: list[str]):
        super().__init__(column)
        self.terms = terms

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        each = "(to_tsquery('french'::regconfig, %s) || to_tsquery('simple'::regconfig, %s))"
        query = " && ".join([each] * len(self.terms))
        prefixes = [f"{term}:*" for term in self.terms for _config in ("french", "simple")]
        return f"{DOCUMENT.format(column=column)} @@ ({query})", [*params, *prefixes]


def trade_matches(text: str, path: str = "trade") -> Q | TradeMatches:
    """A filter for `.filter()`: the members (at `path` from the queried model, « member__trade ») whose trade
    matches `text` — on SQLite, among the members whose page is published (the directory's search, its one use).
    An empty or wordless text filters nothing."""
    terms = words(text)
    if not terms:
        return Q()
    if connection.vendor == "postgresql":
        return TradeMatches(F(path), terms)
    owner = path.removesuffix("trade")  # « member__ », or nothing for the members themselves
    return Q(**{f"{owner}pk__in": sqlite_fts.matching_ids("showcase_profile_trade_fts", terms)})
