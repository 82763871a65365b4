"""Skills: a bilan (positioning) for the apprentices on the path. Also who is on the path and who mentors: the
same members for every seeder that asks (`path_apprentice_ids`, `mentor_ids`)."""

from collections.abc import Iterable
from datetime import timedelta
from itertools import batched

from bench.scale.registry import SCALE_EMAILS, ScaleContext, days_ago, role_ids, seeder
from compagnons.accounts.models import Role
from compagnons.skills.models import Assessment, Certification, Positioning

# Shares of `ctx.users`; at 100,000 members: 5,000 apprentices with a bilan, 2,000 mentoring compagnons,
# 100 founders (compagnons who mentored some of today's mentors: the roots of la chaîne).
POSITIONED_SHARE = 20
MENTOR_SHARE = 50
FOUNDER_SHARE = 1_000

Source = Assessment.Source
SELF_LEVELS = ([0, 1, 2, 3], [2, 4, 3, 1])  # (levels, weights) of a self-assessment


def path_apprentice_ids(ctx: ScaleContext) -> list[int]:
    """The apprentices on the path: a bilan each, evidence; the first ones get a mentor and a cohort."""
    return role_ids(Role.APPRENTICE)[: ctx.users // POSITIONED_SHARE]


def mentor_ids(ctx: ScaleContext) -> tuple[list[int], list[int]]:
    """(compagnons who mentor today, founders who mentored some of them)."""
    compagnons = role_ids(Role.COMPAGNON)
    n = ctx.users // MENTOR_SHARE
    return compagnons[:n], compagnons[n : n + ctx.users // FOUNDER_SHARE]


def current_competences() -> tuple[Certification, list[int]]:
    certification = Certification.objects.current()
    if certification is None:
        raise RuntimeError("No certification in force: the skills migrations ship one, run migrate first.")
    competences = certification.competences.order_by("block__position", "position", "code")
    return certification, list(competences.values_list("pk", flat=True))


def positioning_rows(
    ctx: ScaleContext, positioning: Positioning, competences: list[int], assessors: dict[str, int]
) -> Iterable[Assessment]:
    """One assessment per compétence and source; the other sources stay within one level of the member's own."""
    rng = ctx.rng
    for competence in competences:
        own = rng.choices(*SELF_LEVELS)[0]
        for source, assessor in assessors.items():
            level = own if source == Source.SELF else max(0, min(3, own + rng.choice((-1, 0, 0, 1))))
            yield Assessment(
                member_id=positioning.member_id,
                competence_id=competence,
                level=level,
                source=source,
                assessor_id=assessor,
                positioning=positioning,
                assessed_at=positioning.submitted_at if source == Source.SELF else positioning.reviewed_at,
            )


def _positionings_done(ctx: ScaleContext) -> bool:
    scale = Positioning.objects.filter(member__email__endswith=SCALE_EMAILS)
    return scale.count() >= len(path_apprentice_ids(ctx))


@seeder("skills.positionings", done=_positionings_done)
def seed_positionings(ctx: ScaleContext) -> int:
    """A bilan per path apprentice: 80 % reviewed (self and formateur on every compétence: 72 assessments),
    15 % submitted (36, waiting in the formateurs' queue), 5 % drafts (half the compétences)."""
    rng = ctx.rng
    certification, competences = current_competences()
    staff_ids = ctx.staff_ids()
    Status = Positioning.Status
    rows = 0
    for members in batched(path_apprentice_ids(ctx), 1_000):
        positionings = []
        for member in members:
            r = rng.random()
            status = Status.REVIEWED if r < 0.80 else Status.SUBMITTED if r < 0.95 else Status.DRAFT
            started = days_ago(ctx, 30, 400)
            submitted = started + timedelta(days=rng.randrange(1, 8)) if status != Status.DRAFT else None
            reviewed = submitted + timedelta(days=rng.randrange(1, 15)) if status == Status.REVIEWED else None
            positionings.append(
                Positioning(
                    member_id=member,
                    certification=certification,
                    status=status,
                    started_at=started,
                    submitted_at=submitted,
                    reviewed_at=reviewed,
                    reviewed_by_id=rng.choice(staff_ids) if reviewed else None,
                    staff_comment="Bases solides ; priorité : chiffrer et présenter son offre." if reviewed else "",
                )
            )
        positionings = Positioning.objects.bulk_create(positionings)
        rows += len(positionings)

        def assessments(positionings=positionings):
            for p in positionings:
                if p.status == Status.DRAFT:
                    p.submitted_at = p.started_at + timedelta(hours=1)
                    yield from positioning_rows(ctx, p, competences[: len(competences) // 2], {Source.SELF: None})
                else:
                    assessors = {Source.SELF: None, **({Source.STAFF: p.reviewed_by_id} if p.reviewed_at else {})}
                    yield from positioning_rows(ctx, p, competences, assessors)

        rows += ctx.bulk(Assessment, assessments())
        ctx.log(f"  positionings: {rows} rows")
    return rows
