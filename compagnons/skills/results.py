"""The bilan de positionnement's result, read side: per bloc and compétence the levels given by each source, the one
retained, the gaps and the first goals; the bilan before this one; the geometry of the per-bloc chart. No writes."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from compagnons.skills.models import Assessment, Block, Level, Positioning

Source = Assessment.Source


@dataclass
class BlockResult:
    block: Block | None
    rows: list[dict]
    averages: dict[str, float | None]  # source → average level (0–3) on this bloc


GOAL_COUNT = 5


def positioning_result(positioning: Positioning) -> dict:
    """Per bloc and compétence: self, formateur and compagnon levels, the level retained, gaps and first goals.

    Retained level, within one bilan: the formateur's, else the compagnon's, else the member's own (declared).
    Suggested first goals: compétences below « acquis », those already « en cours » first (closest to
    success), then in the référentiel's order; at most five.
    """
    certification = positioning.certification
    competences = list(
        certification.competences.select_related("block").order_by("block__position", "position", "code")
    )
    levels: dict[tuple[int, str], Assessment] = {}
    for a in positioning.assessments.all():
        levels[(a.competence_id, a.source)] = a
    blocks: dict[int | None, BlockResult] = {}
    gaps = []
    for c in competences:
        own = levels.get((c.pk, Source.SELF))
        staff = levels.get((c.pk, Source.STAFF))
        mentor = levels.get((c.pk, Source.MENTOR))
        retained = staff or mentor or own
        row = {"competence": c, "self": own, "staff": staff, "mentor": mentor, "retained": retained}
        result = blocks.setdefault(c.block_id, BlockResult(c.block, [], {}))
        result.rows.append(row)
        if retained is not None and retained.level < Level.ACQUIRED:
            gaps.append(row)
    for result in blocks.values():
        for source in ("self", "staff", "mentor", "retained"):
            values = [row[source].level for row in result.rows if row[source] is not None]
            result.averages[source] = sum(values) / len(values) if values else None
    goals = sorted(gaps, key=lambda row: (-row["retained"].level, competences.index(row["competence"])))[:GOAL_COUNT]
    return {"blocks": list(blocks.values()), "gaps": gaps, "goals": goals}


CHART_BAR_SCALE = 150  # SVG units per level: « maîtrisé » (3) is 450 wide.


def previous_positioning(positioning: Positioning) -> Positioning | None:
    """The member's bilan before this one (same référentiel version), to compare over time."""
    return (
        Positioning.objects.filter(
            member_id=positioning.member_id,
            certification_id=positioning.certification_id,
            started_at__lt=positioning.started_at,
        )
        .exclude(status=Positioning.Status.DRAFT)
        .order_by("-started_at")
        .first()
    )


def chart_rows(result: dict, previous: dict | None = None) -> dict:
    """Geometry of the per-bloc bar chart (SVG drawn by the template, no script, no inline style).

    With `previous` (the result of an earlier bilan), each row also carries the earlier retained average.
    """
    before = {}
    if previous:
        before = {(b.block.pk if b.block else None): b.averages["retained"] for b in previous["blocks"]}
    rows = []
    for i, block_result in enumerate(result["blocks"]):
        y = 10 + i * 62
        averages = block_result.averages
        rows.append(
            {
                "label": f"{block_result.block.code} — {block_result.block.label}"
                if block_result.block
                else _("Compétences"),
                "text_y": y + 12,
                "self_y": y + 20,
                "retained_y": y + 36,
                "self_width": round((averages["self"] or 0) * CHART_BAR_SCALE),
                "retained_width": round((averages["retained"] or 0) * CHART_BAR_SCALE),
                "self_avg": averages["self"],
                "retained_avg": averages["retained"],
                "staff_avg": averages["staff"],
                "mentor_avg": averages["mentor"],
                "previous_avg": before.get(block_result.block.pk if block_result.block else None),
            }
        )
    return {
        "rows": rows,
        "height": 20 + len(rows) * 62,
        "scale": [i * CHART_BAR_SCALE for i in range(4)],
        "has_previous": bool(previous),
    }
