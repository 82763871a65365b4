"""Reads: what others recognise of a member — compétences known from a jury, a client, a compagnon or a formateur,
what clients attested at the close of a mission, and the member's credentials. The mini-site, the directory's cards
and the brochure show them; nothing here writes."""

from django.db.models import Count, Max, Min
from django.utils import timezone

from compagnons.credentials.models import HouseCredential, HouseEndorsement, IssuedCredential
from compagnons.missions.models import Attestation
from compagnons.missions.records import SOURCE_RANK
from compagnons.skills.models import Assessment, Level


def known_competences(member_id: int) -> list[dict]:
    """The compétences the member holds at « acquis » or above from someone else (a jury, a client, a compagnon, a
    formateur), by skills' level rule (a judgement superseded — a bloc withdrawn by the jury — no longer counts), with
    how they are known. One query; the mini-site and the brochure show them."""
    proven = (
        Assessment.objects.standing()
        .filter(member_id=member_id, level__gte=Level.ACQUIRED)
        .exclude(source=Assessment.Source.SELF)
        .values("competence__code", "competence__label", "competence__block__label", "source")
        .annotate(n=Count("pk"))
        .order_by("competence__code", "source")
    )
    return [{**row, "how": str(Assessment.Source(row["source"]).label)} for row in proven]


def by_block(rows: list[dict]) -> list[dict]:
    """`known_competences` by bloc, then by compétence, with who recognised it (« certifiée par le jury », « validée
    par un compagnon »): clients' word is shown apart, with its count and years. A bloc whose compétences share one
    recognition says it once, so a certified title reads as six blocs, not thirty-six lines."""
    said = {source: str(reason) for source, _weight, reason in SOURCE_RANK}
    grouped: dict[str, dict[str, list[str]]] = {}
    for row in rows:
        if row["source"] != Assessment.Source.CLIENT:
            block = grouped.setdefault(row["competence__block__label"] or "", {})
            reasons = block.setdefault(row["competence__label"], [])
            if said[row["source"]] not in reasons:
                reasons.append(said[row["source"]])
    blocks = []
    for label, competences in grouped.items():
        items = [{"label": c, "how": ", ".join(reasons)} for c, reasons in competences.items()]
        shared = {item["how"] for item in items}
        blocks.append({"label": label, "items": items, "how": shared.pop() if len(shared) == 1 else ""})
    return blocks


def _period(first, last) -> str:
    start, end = timezone.localtime(first).year, timezone.localtime(last).year
    return str(start) if start == end else f"{start}–{end}"


def attested_competences(member_ids) -> dict[int, list[dict]]:
    """Per member, the compétences clients attested at the close of a mission (« oui »): the compétence's name, how
    many times, and the years (« 2025–2026 »), the most attested first. One query for any number of members."""
    ids = list(member_ids)
    rows = (
        Attestation.objects.filter(member_id__in=ids, result=Attestation.Result.YES)
        .values("member_id", "competence_id", "competence__label")
        .annotate(n=Count("pk"), first=Min("created_at"), last=Max("created_at"))
        .order_by("member_id", "-n", "competence__label")
    )
    attested: dict[int, list[dict]] = {pk: [] for pk in ids}
    for row in rows:
        attested[row["member_id"]].append(
            {"label": row["competence__label"], "n": row["n"], "period": _period(row["first"], row["last"])}
        )
    return attested


def credentials_of(member_id: int) -> list[IssuedCredential]:
    """The member's credentials, valid and revoked, each with its status: the page says which is which."""
    return list(IssuedCredential.objects.filter(member_id=member_id).order_by("revoked_at", "-issued_at"))


def house_credentials_of(member_id: int) -> list[HouseCredential]:
    """The credentials other registered houses issued the member, which they added (checked when added)."""
    return list(HouseCredential.objects.filter(member_id=member_id).select_related("house"))


def house_endorsements_of(member_id: int) -> list[HouseEndorsement]:
    """The recommendations other registered houses signed of the member's titles, which they added (checked when
    added); not those of a title of ours since revoked. One query."""
    return list(
        HouseEndorsement.objects.filter(member_id=member_id)
        .exclude(issued_credential__revoked_at__isnull=False)
        .select_related("house", "issued_credential", "house_credential")
    )


def valid_credentials(member_id: int) -> list[IssuedCredential]:
    """The member's credentials not revoked (the brochure prints them with a QR code each)."""
    return list(IssuedCredential.objects.filter(member_id=member_id, revoked_at__isnull=True))


def valid_titles(member_ids) -> dict[int, list[str]]:
    """Per member, the names of their credentials not revoked (the directory's cards). One query."""
    titles: dict[int, list[str]] = {pk: [] for pk in member_ids}
    rows = IssuedCredential.objects.filter(member_id__in=list(titles), revoked_at__isnull=True).order_by("-issued_at")
    for member_id, name in rows.values_list("member_id", "name"):
        titles[member_id].append(name)
    return titles
