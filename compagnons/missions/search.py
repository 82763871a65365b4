"""The missions' text search: PostgreSQL's full-text search in French (a GIN index over the published missions'
title, context and deliverables, migration 0005), each word also matching as a prefix (« agend » finds « agenda »);
elsewhere (SQLite) a plain « contains » on the three fields."""

import re

from django.db import connection
from django.db.models import Q, QuerySet

# The expression of the index (migration 0005_mission_search_index): a query must repeat it exactly to use it.
PG_DOCUMENT = "to_tsvector('french'::regconfig, title || ' ' || context || ' ' || deliverables)"
WORD = re.compile(r"\w+")


def prefix_query(text: str) -> str:
    """`mot1:* & mot2:*` from the visitor's words, nothing else of theirs (no tsquery operators)."""
    return " & ".join(f"{word}:*" for word in WORD.findall(text.lower())[:8])


def matching(missions: QuerySet, text: str) -> QuerySet:
    if connection.vendor == "postgresql":
        query = prefix_query(text)
        if not query:
            return missions
        return missions.extra(  # noqa: S610 - a fixed expression; the words go as a parameter
            where=[f"{PG_DOCUMENT} @@ to_tsquery('french'::regconfig, %s)"], params=[query]
        )
    return missions.filter(Q(title__icontains=text) | Q(context__icontains=text) | Q(deliverables__icontains=text))
