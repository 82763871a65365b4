from django import template

register = template.Library()


@register.filter
def euros(cents) -> str:
    """Cents as French euros: 250000 → « 2 500 € », 1250 → « 12,50 € »."""
    try:
        cents = int(cents)
    except (TypeError, ValueError):
        return ""
    whole, rest = divmod(cents, 100)
    text = f"{whole:,}".replace(",", "\u202f")
    return f"{text},{rest:02d} €" if rest else f"{text} €"
