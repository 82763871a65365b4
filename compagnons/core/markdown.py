"""Markdown written by members, rendered to HTML that is safe to show: `render_markdown(text) -> SafeString`.

Python-Markdown (a maintained CommonMark-like implementation) turns the text into HTML, then nh3 (the Rust
sanitiser ammonia) keeps only an allow-list of tags and attributes: no script, no iframe, no style, no event
handler, no `javascript:` link (a script's or a style's content goes with it; other unknown tags keep their text). Links
get `rel="nofollow noopener noreferrer ugc"`. Shared by the apps where members write (community, learning).
"""

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p",
    "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br"]


def render_markdown(text: str) -> SafeString:
    """Markdown → sanitised HTML. Headings start at h2 (the page has its own h1)."""
    rendered = markdown_lib.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    rendered = rendered.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def has_links(text: str) -> bool:
    """Whether the rendered text holds a link (used to hold a newcomer's first post for review)."""
    return "<a " in render_markdown(text) or "http://" in text or "https://" in text or "www." in text
