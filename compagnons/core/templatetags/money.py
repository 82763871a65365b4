from django import template

from compagnons.core import money

register = template.Library()


@register.filter
def euros(cents) -> str:
    """Cents as French euros (see `core.money.euros`)."""
    return money.euros(cents)
