from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def charter_text(text: str) -> str:
    """Plain text to HTML: "## " starts a heading, "- " a list item, a blank line a new paragraph."""
    html, items, paragraph = [], [], []

    def flush() -> None:
        if paragraph:
            html.append(f"<p>{' '.join(paragraph)}</p>")
            paragraph.clear()
        if items:
            html.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            html.append(f"<h2>{escape(line[3:])}</h2>")
        elif line.startswith("- "):
            if paragraph:
                flush()
            items.append(escape(line[2:]))
        else:
            if items:
                flush()
            paragraph.append(escape(line))
    flush()
    return mark_safe("\n".join(html))  # noqa: S308 — every piece is escaped above
