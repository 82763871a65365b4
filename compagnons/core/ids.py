"""Numbers read from requests (ids, page numbers), bounded before they reach the database.

`str.isdigit()` accepts « ² » and « ٣ », which `int()` then refuses; a 20-digit id overflows SQLite's integers
(OverflowError) and an absurd page number makes an OFFSET the database refuses. Every id or page number read from
input goes through here.
"""

from django import forms
from django.core.exceptions import ValidationError

MAX_ID = 2**63 - 1  # the largest BIGINT of SQLite and PostgreSQL
MAX_PAGE = 100_000


def parse_id(value, *, maximum: int = MAX_ID) -> int | None:
    """A positive integer written in ASCII digits, at most `maximum`; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip() if value is not None else ""
        if not text or len(text) > 19 or not (text.isascii() and text.isdigit()):
            return None
        number = int(text)
    return number if 0 < number <= maximum else None


def parse_page(value, *, maximum: int = MAX_PAGE) -> int:
    """A page number: 1 when missing or malformed, at most `maximum`."""
    text = str(value).strip() if value is not None else ""
    if text.isascii() and text.isdigit() and len(text) > len(str(maximum)):
        return maximum  # beyond the last page, without building a huge integer
    number = parse_id(text)
    return min(number, maximum) if number else 1


class IdsMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField whose ids are checked before the query: a 20-digit id is an invalid choice,
    not an OverflowError on SQLite."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        if key == "pk":
            for pk in value:
                if parse_id(pk) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": str(pk)[:20]}
                    )
        return super()._check_values(value)
