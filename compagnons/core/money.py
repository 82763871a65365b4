"""One way to write an amount of money, in French: « 2 500 € », « 12,50 € » (cents only when there are some; a
narrow no-break space between thousands, as the templates have always written it)."""


def euros(cents) -> str:
    """Cents as French euros: 250000 → « 2 500 € », 1250 → « 12,50 € »; anything that is not a number → ""."""
    try:
        cents = int(cents)
    except (TypeError, ValueError):
        return ""
    sign = "−" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    text = f"{whole:,}".replace(",", "\u202f")
    return f"{sign}{text},{rest:02d} €" if rest else f"{sign}{text} €"
