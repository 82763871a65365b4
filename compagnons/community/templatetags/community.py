"""The forum's template helpers. The search's results are written in Python (`search_results`): a search shows
twenty of them at every request, and from the template's loop (a reverse, a localised date, a truncation, half a
dozen lookups and escapes per result) they were a third of a search's time at 2.4 million posts (issue 21)."""

import unicodedata
from functools import lru_cache
from html import escape  # Django's escape() is this, without its lazy-text wrapper

from django import template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def author_name(user) -> str:
    """A post's author as the forum shows it, to visitors too: their name, never their e-mail address (the account's
    `display_name` falls back to it); « ancien membre » once the account is erased."""
    if user is None:
        return _("ancien membre")
    return forum_name(user.first_name, user.last_name, erased=bool(user.erased_at))


def forum_name(first_name: str, last_name: str, *, erased: bool) -> str:
    """`author_name` from the account's columns (the search's results read them without the account). Not the
    account's `display_name`, which falls back to the e-mail address."""
    if erased:
        return _("ancien membre")
    return f"{first_name} {last_name}".strip() or _("Membre des compagnons")


POST_MARKER = 987654321987654321  # a post id no address holds otherwise
SNIPPET = 240  # characters of the post's text shown, as `truncatechars:240`


@lru_cache(maxsize=2048)
def _short_date(day, language: str) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _snippet(body: str) -> str:
    """`Truncator(body).chars(SNIPPET)`, without walking a text that fits: Truncator counts the characters of the
    NFC text one by one, leaving out the combining ones, so a text of SNIPPET characters or fewer comes back whole."""
    text = unicodedata.normalize("NFC", body)
    return text if len(text) <= SNIPPET else Truncator(text).chars(SNIPPET)


@register.simple_tag
def search_results(posts) -> str:
    """Each post found (`community.search.Found`) as a <li>: its thread's title linked to the post, the category, the
    author, the day, whether it is the question or an answer, and the beginning of its text. The same markup and
    message ids as the template had; everything members wrote escaped; the posts' address reversed once per list,
    each day formatted once per language in the process."""
    head, tail = reverse("community:post", args=[POST_MARKER]).split(str(POST_MARKER))
    language = get_language() or ""
    kinds = {True: escape(_("la question")), False: escape(_("une réponse"))}
    rows = []
    for post in posts:
        day = _short_date(timezone.localtime(post.created_at).date(), language) if post.created_at else ""
        name = forum_name(post.author_first_name, post.author_last_name, erased=post.author_erased)
        facts = " · ".join(escape(part) for part in (post.category, name, day))
        rows.append(
            f'<li>\n<a href="{head}{post.pk}{tail}">{escape(post.title)}</a>\n'
            f"<small>{facts}\n· {kinds[post.is_question]}\n</small>\n"
            f"<p>{escape(_snippet(post.body))}</p>\n</li>\n"
        )
    return mark_safe("".join(rows))  # noqa: S308 - every part escaped
