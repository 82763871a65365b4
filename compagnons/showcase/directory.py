"""Reads: the directory /annuaire/ — published pages by relevance (compétences a jury or a client proved), then a
daily rotation; never by popularity or stars. The day's order is cached; each card says what was verified."""

import hashlib

from django.core.cache import cache
from django.db.models import Count, ExpressionWrapper, F, IntegerField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from compagnons.showcase import recognitions
from compagnons.showcase.models import Profile
from compagnons.showcase.site import public_name
from compagnons.skills.models import Assessment, Level

PROOF_SOURCES = [Assessment.Source.JURY, Assessment.Source.CLIENT]


def ranked(*, trade="", competence=None, region="", language="", available=False, today=None):
    """Published profiles, by relevance (compétences attested or certified), then a daily rotation. Never by
    popularity or stars."""
    today = today or timezone.localdate()
    profiles = Profile.objects.published().select_related("member")
    if trade:
        profiles = profiles.filter(member__trade__icontains=trade)
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
    seed = today.toordinal() % 997 + 1
    rotation = ExpressionWrapper((F("pk") * seed) % 1009, output_field=IntegerField())
    return profiles.annotate(relevance=Coalesce(proven, 0), rotation=rotation).order_by("-relevance", "rotation", "pk")


def ranked_ids(**filters) -> list[int]:
    """The day's ordered ids for these filters, cached until a page is published or withdrawn."""
    state = Profile.objects.published().aggregate(n=Count("pk"), last=Max("updated_at"))
    # A jury's or a client's new word (a bloc validated or withdrawn, an attestation) changes the relevance too.
    proofs = Assessment.objects.filter(source__in=PROOF_SOURCES)
    state["proofs"] = proofs.aggregate(n=Count("pk"), last=Max("pk"))
    competence = filters.get("competence")
    key = (
        "directory:"
        + hashlib.sha256(
            repr((timezone.localdate(), state, {**filters, "competence": getattr(competence, "pk", None)})).encode()
        ).hexdigest()
    )
    return cache.get_or_set(key, lambda: list(ranked(**filters).values_list("pk", flat=True)), 3600)


def cards(ids: list[int]) -> list[Profile]:
    """The profiles of one page of the directory, in the order of `ids`, each with its name, its verified titles and
    what clients attested: three queries for the whole page. Never stars."""
    found = Profile.objects.select_related("member").in_bulk(ids)
    profiles = [found[pk] for pk in ids if pk in found]
    member_ids = [profile.member_id for profile in profiles]
    titles, attested = recognitions.valid_titles(member_ids), recognitions.attested_competences(member_ids)
    for profile in profiles:
        profile.titles, profile.attested = titles[profile.member_id], attested[profile.member_id]
        profile.name = public_name(profile.member)
    return profiles
