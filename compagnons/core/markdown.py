"""Markdown written by people (capsules, scenarios, forum posts), rendered and then sanitised.

Python-Markdown turns the text into HTML; nh3 (ammonia) keeps only an allow-list of tags and attributes, so no raw
HTML typed or pasted by anyone reaches a page: a `<script>` or an `onclick` is dropped, `javascript:` links too.
Headings are shifted down (`#` becomes `<h3>`) so that a text never competes with the page's own headings.
"""

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
_SHIFT = {f"h{level}": f"h{min(level + 2, 6)}" for level in range(1, 7)}


def render_markdown(text: str) -> SafeString:
    """The sanitised HTML of a Markdown text: raw HTML in the text is dropped unless it is in the allow-list."""
    html = markdown_lib.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    for tag, shifted in sorted(_SHIFT.items(), reverse=True):
        html = html.replace(f"<{tag}>", f"<{shifted}>").replace(f"</{tag}>", f"</{shifted}>")
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 — sanitised by nh3 on the line above
