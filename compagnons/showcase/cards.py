"""The directory's cards, written in Python because a search shows twenty-four of them at every request: from the
template's loop (an attribute lookup, a filter and an escape per field, a reverse per card) they were half of a
search's time at 100,000 members (issue 21). The same markup and translations as the template had (its message
ids); the pages' address reversed once per list. Never stars: a name, a trade, what a jury or a client proved.
Each card is then kept in the process while nothing it shows changed (`page_of_cards`)."""

from functools import lru_cache
from urllib.parse import quote

from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from compagnons.core import fragments
from compagnons.showcase import directory

SLUG_MARKER = "slug-marker-0b5e8f"  # a slug no address holds otherwise


def _page_urls():
    """slug -> the address of a published page, from one reverse for a whole list (quoted as `reverse` quotes)."""
    head, tail = reverse("showcase:public", args=[SLUG_MARKER]).split(SLUG_MARKER)
    return lambda slug: f"{head}{quote(slug, safe=RFC3986_SUBDELIMS + '/~:@')}{tail}"


@lru_cache(maxsize=8)
def _regions(language: str) -> dict[str, str]:
    """{code: label} of the regions (`get_region_display` rebuilds its choices at each call)."""
    from compagnons.accounts.models import User

    return {code: str(label) for code, label in User._meta.get_field("region").flatchoices}


def _card(profile, url: str, regions: dict[str, str]) -> str:
    member = profile.member
    if profile.photo:
        picture = format_html(
            '<img src="{}" alt="" width="64" height="64" loading="lazy" class="directory-photo">', profile.photo.url
        )
    else:
        picture = format_html('<span class="directory-initial" aria-hidden="true">{}</span>', profile.name[:1].upper())
    where = " · ".join(filter(None, [member.trade, regions.get(member.region, member.region)]))
    html = format_html(
        '<li>\n<article class="directory-card">\n<header>\n{}\n<div>\n<h2><a href="{}">{}</a></h2>\n'
        "<small>{}</small>\n</div>\n</header>\n",
        picture,
        url,
        profile.name,
        where,
    )
    if profile.headline:
        html += format_html("<p>{}</p>\n", profile.headline)
    if profile.titles:
        html += format_html(
            "<p><strong>{}</strong></p>\n<ul>{}</ul>\n",
            gettext("Titres vérifiés :"),
            format_html_join("", "<li>{}</li>", ((title,) for title in profile.titles[:3])),
        )
    if profile.attested_shown:
        html += format_html(
            "<p><strong>{}</strong></p>\n<ul>{}</ul>\n",
            gettext("Attestées par des clients :"),
            format_html_join(
                "",
                "<li>{} <small>({}, {})</small></li>",
                ((r["label"], r["times"], r["period"]) for r in profile.attested_shown),
            ),
        )
    return html + "</article>\n</li>\n"


def cards_html(profiles) -> dict[int, str]:
    """{profile id: its card, a <li>}: photo or initial, name linked to the page, trade and region, headline, verified
    titles (the first three), what clients attested (`directory.with_texts`). Escaped."""
    url, regions = _page_urls(), _regions(translation.get_language() or "")
    return {profile.pk: _card(profile, url(profile.slug), regions) for profile in profiles}


# The tables a card shows (`directory.cards`): its page, its member, their titles, what clients attested and those
# compétences.
CARD_TABLES = (
    "showcase_profile",
    "accounts_user",
    "credentials_issuedcredential",
    "missions_attestation",
    "skills_competence",
)


def page_of_cards(ids: list[int]) -> SafeString:
    """The cards of one page of the directory, in the order of `ids`: each kept in the process while nothing it shows
    changed (core.fragments.kept_each, CARD_TABLES), the same for every visitor in a language. A search matches its
    pages at each request, then takes the cards it shows from there; the missing ones are computed together
    (`directory.cards`: three queries). At 100,000 members the cards were most of a search's time (issue 21)."""
    html = fragments.kept_each(
        "directory-cards",
        CARD_TABLES,
        ids,
        lambda wanted: cards_html(directory.with_texts(directory.cards(wanted))),
    )
    return mark_safe("".join(html))  # noqa: S308 - every card escaped (`_card`)
