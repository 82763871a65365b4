"""The facts-only record, read: what a member did on the bank (counts, attested compétences, visible testimonials,
never stars), what clients were like (`client_record`), when testimonials show, and how a member's compétences are
known (`how_known`, by their strongest source). Reads only: no write lives here (they are in `services.py`)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from compagnons.accounts.models import User
from compagnons.missions.models import Application, Attestation, ClientFacts, Delivery, Mission, Testimonial
from compagnons.skills import services as skills_services
from compagnons.skills.models import Assessment, Level

S = Mission.Status


def testimonials_visible(mission: Mission, now=None) -> bool:
    """Hidden until both sides have written, or the window after closure has passed (reads prefetched testimonials
    when there are some)."""
    now = now or timezone.now()
    if mission.closed_at and now >= mission.closed_at + timedelta(days=settings.TESTIMONIAL_WINDOW_DAYS):
        return True
    authors = {t.author_id for t in mission.testimonials.all()}
    return mission.client_id in authors and bool(mission.chosen and mission.chosen.applicant_id in authors)


def member_records(member_ids, *, attested: bool = True) -> dict[int, dict]:
    """Each member's record: counts and attested compétences, never stars. Three queries for any number of members,
    whatever they hold (two without the attested compétences, for a page that shows them its own way)."""
    ids = list(member_ids)
    wanted = set(ids)
    records = {
        pk: {"delivered": 0, "on_time": 0, "in_scope": 0, "current": 0, "attested": [], "testimonials": []}
        for pk in ids
    }
    accepted = Delivery.objects.filter(mission=OuterRef("pk"), status__in=["accepted", "auto_accepted"], on_time=True)
    changed = Delivery.objects.filter(mission=OuterRef("pk"), status=Delivery.Status.CHANGES)
    # the missions whose chosen application is the member's (as applicant or as binôme partner): one query
    missions = (
        Mission.objects.filter(
            Q(chosen__applicant_id__in=ids) | Q(chosen__partner_id__in=ids),
            chosen__status=Application.Status.CHOSEN,
        )
        .annotate(on_time=Exists(accepted), changed=Exists(changed))
        .values_list("chosen__applicant_id", "chosen__partner_id", "status", "on_time", "changed")
    )
    for applicant_id, partner_id, status, on_time, changed_flag in missions:
        for member_id in {applicant_id, partner_id} & wanted:
            record = records[member_id]
            if status == S.CLOSED:
                record["delivered"] += 1
                record["on_time"] += int(on_time)
                record["in_scope"] += int(not changed_flag)
            elif status in (S.ASSIGNED, S.IN_PROGRESS, S.DELIVERED):
                record["current"] += 1
    if attested:
        rows = (
            Attestation.objects.filter(member_id__in=ids, result=Attestation.Result.YES)
            .values("member_id", "competence__code", "competence__label")
            .annotate(n=Count("pk"))
            .order_by("competence__code")
        )
        for row in rows:
            records[row["member_id"]]["attested"].append(row)
    # testimonials_visible's rule, in the same query (a prefetch of each mission's testimonials would add a query,
    # and only when there are some): whether the mission's client and its chosen applicant have both written.
    written = Testimonial.objects.filter(mission=OuterRef("mission_id"))
    testimonials = (
        Testimonial.objects.filter(about_id__in=ids)
        .select_related("author", "mission__chosen")
        .annotate(
            client_wrote=Exists(written.filter(author_id=OuterRef("mission__client_id"))),
            applicant_wrote=Exists(written.filter(author_id=OuterRef("mission__chosen__applicant_id"))),
        )
        .order_by("-created_at")
    )
    window_start = timezone.now() - timedelta(days=settings.TESTIMONIAL_WINDOW_DAYS)
    for t in testimonials:
        record = records[t.about_id]
        window_passed = t.mission.closed_at is not None and t.mission.closed_at <= window_start
        if len(record["testimonials"]) < 20 and (window_passed or (t.client_wrote and t.applicant_wrote)):
            record["testimonials"].append(t)
    return records


def member_record(member: User, *, attested: bool = True) -> dict:
    return member_records([member.pk], attested=attested)[member.pk]


def client_record(client: User) -> dict:
    facts = ClientFacts.objects.filter(mission__client=client)
    rows = list(facts.values_list("payment_delay_days", "scope_changes"))
    return {
        "missions": Mission.objects.filter(client=client, status=S.CLOSED).count(),
        "late_payments": sum(1 for delay, _changes in rows if delay > 0),
        "scope_changes": sum(changes for _delay, changes in rows),
        "facts": len(rows),
    }


# --- How a compétence is known ----------------------------------------------------------------
# Lazy: this list is built at import time, and each reason is read in the language of the request.
SOURCE_RANK = [
    (Assessment.Source.JURY, 4, gettext_lazy("certifiée par le jury")),
    (Assessment.Source.CLIENT, 3, gettext_lazy("attestée par un client")),
    (Assessment.Source.EVIDENCE, 2, gettext_lazy("validée par un compagnon")),
    (Assessment.Source.MENTOR, 2, gettext_lazy("validée par un compagnon")),
    (Assessment.Source.STAFF, 2, gettext_lazy("validée par un formateur")),
    (Assessment.Source.SELF, 1, gettext_lazy("déclarée")),
]


def how_known(member_ids, competence_ids=None) -> dict[int, dict[int, tuple[int, str]]]:
    """member → compétence → (weight, how it is known), for the compétences whose current level (skills' level
    rule) is « acquis » or above, from the strongest source that still holds it. A superseded judgement (the same
    assessor's later word) and a self-declaration overridden by an outside source no longer count. One query."""
    qs = Assessment.objects.filter(member_id__in=member_ids).only(
        "member_id", "competence_id", "source", "level", "assessor_id", "evidence_id", "assessed_at"
    )
    if competence_ids is not None:
        qs = qs.filter(competence_id__in=competence_ids)
    grouped: dict[tuple[int, int], list[Assessment]] = {}
    for assessment in qs:
        grouped.setdefault((assessment.member_id, assessment.competence_id), []).append(assessment)
    ranks = {source: (weight, label) for source, weight, label in SOURCE_RANK}
    known: dict[int, dict[int, tuple[int, str]]] = {}
    for (member_id, competence_id), items in grouped.items():
        current = skills_services.derive_level(items)
        if current.level is None or current.level < Level.ACQUIRED:
            continue
        holding = [
            a
            for a in current.sources
            if a.level >= Level.ACQUIRED and (current.status == "declared" or a.source != Assessment.Source.SELF)
        ]
        known.setdefault(member_id, {})[competence_id] = max((ranks[a.source] for a in holding), key=lambda r: r[0])
    return known
