"""A page of a queryset and the number of its rows in one query.

Django's `Paginator` counts the rows (`SELECT COUNT(*)`), then reads the page: a search runs its matching twice.
`CountedPaginator` reads the page with `COUNT(*) OVER ()` beside each row, so the engine matches once and hands
over the total with the page; only a page past the end (or a search that finds nothing) costs the plain count, to
fall back on the last page as `Paginator.get_page` does."""

from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Count, Window

TOTAL = "_counted_paginator_total"
MAX_NUMBER = 1_000_000  # a page number beyond it is past the end of any list here: Django's fallback


class CountedPaginator(Paginator):
    """`get_page(number)` as Django's, in one query whenever the page holds rows."""

    def get_page(self, number) -> Page:
        try:
            number = int(number)
        except (TypeError, ValueError, OverflowError):
            number = 1  # no page, or not a number: the first page, as Django's
        if not 1 <= number <= MAX_NUMBER:
            return super().get_page(number)  # Django's last page
        bottom = (number - 1) * self.per_page
        rows = list(self.counted_rows(bottom, bottom + self.per_page))
        if not rows:
            return super().get_page(number)  # past the end, or nothing found: Django's count and last page
        self.__dict__["count"] = self.total(rows)  # `count` is a cached_property: set it, never recount
        try:
            number = self.validate_number(number)
        except InvalidPage:  # cannot happen with rows on the page, but never a 500 if it did
            return super().get_page(number)
        return self._get_page(rows, number, self)

    def total(self, rows: list) -> int:
        """The number of all the rows, as `counted_rows` gives it with each row."""
        return getattr(rows[0], TOTAL)

    def counted_rows(self, bottom: int, top: int):
        """The rows from `bottom` to `top`, each with the number of all the rows as its `TOTAL` attribute."""
        return self.object_list.annotate(**{TOTAL: Window(Count("*"))})[bottom:top]
