"""Reads: the directory /annuaire/ — published pages by relevance (compétences a jury or a client proved), then a
daily rotation; never by popularity or stars. The day's order is cached (`ranking`); a search is one query for the
matching ids; each card says what was verified (written and kept by showcase/cards.py)."""

from django.db.models import Count, ExpressionWrapper, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import ngettext

from compagnons.accounts import search as member_search
from compagnons.core import fragments
from compagnons.showcase import recognitions
from compagnons.showcase.models import Profile
from compagnons.showcase.site import public_name
from compagnons.skills.models import Assessment, Level

PROOF_SOURCES = [Assessment.Source.JURY, Assessment.Source.CLIENT]


def _rotation(seed: int, pk: int) -> int:
    return (pk * seed) % 1009


def _seed(today) -> int:
    return today.toordinal() % 997 + 1


def ranked(*, trade="", competence=None, region="", language="", available=False, today=None):
    """Published profiles, by relevance (compétences attested or certified), then a daily rotation. Never by
    popularity or stars. (The directory reads `ranked_ids`, which gives the same order from the day's cached
    ranking.)"""
    today = today or timezone.localdate()
    profiles = _matching(trade=trade, competence=competence, region=region, language=language, available=available)
    # Relevance: compétences proven by a jury or a client (the matching one when filtering by compétence).
    proof = Assessment.objects.standing().filter(
        member_id=OuterRef("member_id"), level__gte=Level.ACQUIRED, source__in=PROOF_SOURCES
    )
    if competence is not None:
        proof = proof.filter(competence=competence)
    proven = Subquery(
        proof.values("member_id").annotate(n=Count("competence_id", distinct=True)).values("n")[:1],
        output_field=IntegerField(),
    )
    rotation = ExpressionWrapper((F("pk") * _seed(today)) % 1009, output_field=IntegerField())
    return (
        profiles.select_related("member")
        .annotate(relevance=Coalesce(proven, 0), rotation=rotation)
        .order_by("-relevance", "rotation", "pk")
    )


def _matching(*, trade="", competence=None, region="", language="", available=False):
    """The published profiles these filters keep, in no order. The trade is searched by accounts.search (full-text
    search: a GIN index on PostgreSQL, FTS5 on SQLite)."""
    profiles = Profile.objects.published()
    if trade:
        profiles = profiles.filter(member_search.page_matches(trade))
    if region:
        profiles = profiles.filter(member__region=region)
    if language:
        profiles = profiles.filter(member__languages__icontains=language)
    if available:
        profiles = profiles.exclude(member__availability="unavailable")
    if competence is not None:
        proven = (
            Assessment.objects.standing()
            .filter(competence=competence, level__gte=Level.ACQUIRED, source__in=PROOF_SOURCES)
            .values("member_id")
        )
        profiles = profiles.filter(member_id__in=proven)
    return profiles


# The tables whose writes change the day's ranking: a page published, withdrawn or edited; a jury's or a client's
# word (a bloc validated or withdrawn, an attestation). A member's account (accounts_user, written at every login)
# is left out: a page whose member was deactivated leaves the results through `_matching` and `cards`.
RANKING_TABLES = ("showcase_profile", "skills_assessment")


def ranking() -> list[int]:
    """Every published page's id in the day's order (relevance, then the rotation), cached (core.fragments) until a
    page or a proof changes: the costly part (a relevance per page) is computed once for every search."""
    return fragments.versioned(
        "directory-ranking", RANKING_TABLES, lambda: list(ranked().values_list("pk", flat=True)), local=True
    )


# The position of each id in the last ranking this process read: (that ranking, {id: position}).
_positions: tuple[list[int], dict[int, int]] | None = None


def positions(order: list[int]) -> dict[int, int]:
    """{id: position} in `order`, built once per ranking in this process (the ranking is kept in the process while
    its versions hold, `fragments.versioned(local=True)`): a search sorts its matches, never walks every page."""
    global _positions
    if _positions is None or _positions[0] is not order:
        _positions = (order, {pk: i for i, pk in enumerate(order)})
    return _positions[1]


def ranked_ids(**filters) -> list[int]:
    """The ids these filters keep, in the directory's order: the same queries for any search — one for the matching
    ids, one for the day's ranking (one cache read) — and no ranking per search. With a compétence, the relevance
    is that one compétence, which every match has: then the rotation alone orders them."""
    filters = {k: v for k, v in filters.items() if v not in ("", None, False)}
    order = ranking()
    if not filters:
        return order
    matched = _matching_ids(filters)
    if filters.get("competence") is not None:
        seed = _seed(timezone.localdate())
        return sorted(matched, key=lambda pk: (_rotation(seed, pk), pk))
    where = positions(order)
    return sorted((pk for pk in matched if pk in where), key=where.__getitem__)


def _matching_ids(filters: dict) -> set[int]:
    """The ids of the published pages these (non-empty) filters keep. A search by trade, alone or with a region (the
    directory's usual search), reads the search table alone (accounts.search.published_pages)."""
    if set(filters) <= {"trade", "region"} and member_search.words(filters.get("trade", "")):
        return set(member_search.published_pages(filters["trade"], region=filters.get("region", "")))
    return set(_matching(**filters).values_list("pk", flat=True))


# What a card shows (showcase/directory.html, the API's directory): not the member's whole account.
CARD_FIELDS = (
    "slug",
    "photo",
    "headline",
    "member__first_name",
    "member__last_name",
    "member__trade",
    "member__region",
)


def cards(ids: list[int]) -> list[Profile]:
    """The profiles of one page of the directory, in the order of `ids`, each with its name, its verified titles and
    what clients attested: three queries for the whole page. Never stars."""
    found = Profile.objects.published().select_related("member").only(*CARD_FIELDS).in_bulk(ids)
    profiles = [found[pk] for pk in ids if pk in found]
    member_ids = [profile.member_id for profile in profiles]
    titles, attested = recognitions.valid_titles(member_ids), recognitions.attested_competences(member_ids)
    for profile in profiles:
        profile.titles, profile.attested = titles[profile.member_id], attested[profile.member_id]
        profile.name = public_name(profile.member)
    return profiles


def with_texts(profiles: list[Profile]) -> list[Profile]:
    """« 3 fois » for each attested compétence a card shows (its first three), written once here rather than by a
    `{% blocktranslate count %}` at each row: the page shows 24 cards at every search. The message ids are the
    template's."""
    for profile in profiles:
        profile.attested_shown = [
            {**row, "times": ngettext("une fois", "%(n)s fois", row["n"]) % {"n": row["n"]}}
            for row in profile.attested[:3]
        ]
    return profiles
