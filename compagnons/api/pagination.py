"""Cursor pagination: an opaque cursor (the sort key of the last item seen), a page size bounded by
API_MAX_PAGE_SIZE. Keyset, not offsets: a page costs the same at the start and at the end of a long list, and no item
is skipped or shown twice when new ones arrive."""

import base64
import binascii
import json
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from compagnons.api.problems import InvalidInput

DEFAULT_PAGE_SIZE = 20
# An id: a positive 64-bit integer, as the databases' ids are; beyond, a 422 rather than the database's overflow (a 500)
MAX_ID = 2**63 - 1


def encode(values: list) -> str:
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, length: int) -> list:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise InvalidInput(_("Ce curseur est illisible : reprenez celui d'une réponse précédente.")) from error
    if not isinstance(values, list) or len(values) != length:
        raise InvalidInput(_("Ce curseur est illisible : reprenez celui d'une réponse précédente."))
    return values


def keyset(queryset: QuerySet, *, cursor: str | None, limit: int, date_field: str | None = None):
    """Newest first by (`date_field`, pk), or by pk alone; returns (items, next cursor or None)."""
    if date_field:
        queryset = queryset.order_by(f"-{date_field}", "-pk")
        if cursor:
            moment, pk = decode(cursor, 2)
            try:
                moment, pk = datetime.fromisoformat(str(moment)), int(pk)
            except (TypeError, ValueError) as error:
                raise InvalidInput(_("Ce curseur est illisible : reprenez celui d'une réponse précédente.")) from error
            queryset = queryset.filter(Q(**{f"{date_field}__lt": moment}) | Q(**{date_field: moment, "pk__lt": pk}))
    else:
        queryset = queryset.order_by("-pk")
        if cursor:
            (pk,) = decode(cursor, 1)
            if not isinstance(pk, int):
                raise InvalidInput(_("Ce curseur est illisible : reprenez celui d'une réponse précédente."))
            queryset = queryset.filter(pk__lt=pk)
    return first_rows(list(queryset[: limit + 1]), limit=limit, date_field=date_field)


def first_rows(rows: list, *, limit: int, date_field: str | None = None):
    """(items, next cursor or None) from the `limit + 1` first rows of `keyset`'s order, read by the caller."""
    more = len(rows) > limit
    items = rows[:limit]
    if not more or not items:
        return items, None
    last = items[-1]
    return items, encode([getattr(last, date_field).isoformat(), last.pk] if date_field else [last.pk])


def positions(ids: list, *, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """A page of an already ordered list of ids (the directory's ranking of the day)."""
    start = 0
    if cursor:
        (start,) = decode(cursor, 1)
        if not isinstance(start, int) or start < 0:
            raise InvalidInput(_("Ce curseur est illisible : reprenez celui d'une réponse précédente."))
    page = ids[start : start + limit]
    return page, encode([start + limit]) if start + limit < len(ids) else None
