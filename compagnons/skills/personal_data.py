"""What skills holds about a person, for the export and the erasure of their account."""

from compagnons.skills.models import Assessment, Positioning, Reflection


def export(user) -> dict:
    reflection = Reflection.objects.filter(member=user).first()
    return {
        "positionings": [
            {
                "id": p.pk,
                "moment": p.moment,
                "status": p.status,
                "started_at": p.started_at.isoformat(),
                "submitted_at": p.submitted_at.isoformat() if p.submitted_at else None,
                "summary": p.staff_comment,
            }
            for p in Positioning.objects.filter(member=user)
        ],
        "assessments": [
            {
                "competence": a.competence.code,
                "level": a.level,
                "source": a.source,
                "comment": a.comment,
                "at": a.assessed_at.isoformat(),
                "positioning": a.positioning_id,
            }
            for a in Assessment.objects.filter(member=user).select_related("competence")
        ],
        "reflection": (
            {
                "values": reflection.values,
                "drives": reflection.drives,
                "wants": reflection.wants,
                "fears": reflection.fears,
                "shared_with_mentor": reflection.shared_with_mentor,
            }
            if reflection
            else None
        ),
    }


def erase(user, traces: list[str]) -> None:
    """The reflection is deleted; levels stay as anonymous evidence (Qualiopi 8), without free-text comments."""
    Reflection.objects.filter(member=user).delete()
    Assessment.objects.filter(member=user).exclude(comment="").update(comment="")
    Positioning.objects.filter(member=user).exclude(staff_comment="").update(staff_comment="")
