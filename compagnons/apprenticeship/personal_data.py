"""What the path holds about a person, for the export and the erasure of their account."""

from django.db.models import Q

from compagnons.apprenticeship.models import (
    AdoptionPiece,
    Enrollment,
    Evidence,
    MentoringSession,
    Mentorship,
    MentorshipRequest,
    PathProfile,
    PlanGoal,
    StageTransition,
)


def export(user) -> dict:
    return {
        "enrollments": [
            {"cohort": e.cohort.name, "stage": e.stage, "status": e.status, "enrolled_at": e.enrolled_at}
            for e in Enrollment.objects.filter(member=user).select_related("cohort")
        ],
        "sessions": [
            {
                "date": s.date.isoformat(),
                "minutes": s.duration_minutes,
                "mode": s.mode,
                "status": s.status,
                "notes": s.notes,
                "next_steps": s.next_steps,
                "role": "apprentice" if s.apprentice_id == user.pk else "mentor",
            }
            for s in MentoringSession.objects.filter(Q(apprentice=user) | Q(mentor=user))
        ],
        "plan": [
            {"competence": g.competence.code, "target_date": g.target_date, "steps": [s.label for s in g.steps.all()]}
            for g in PlanGoal.objects.filter(apprentice=user).select_related("competence").prefetch_related("steps")
        ],
        "evidence": [
            {"title": e.title, "kind": e.kind, "link": e.link, "text": e.text, "file": e.file_name, "status": e.status}
            for e in Evidence.objects.filter(apprentice=user)
        ],
    }


def erase(user, traces: list[str]) -> None:
    """Attendance (sessions: date, duration, both parties) is kept by law, without free text; evidence files and
    texts are deleted (validated levels stay as anonymous evidence); the plan goes."""
    # Attendance is a legal record: date, duration, both parties and the signing addresses stay.
    MentoringSession.objects.filter(Q(apprentice=user) | Q(mentor=user)).update(
        notes="", next_steps="", dispute_comment=""
    )
    MentorshipRequest.objects.filter(Q(apprentice=user) | Q(compagnon=user)).update(message="", answer="")
    Mentorship.objects.filter(Q(apprentice=user) | Q(mentor=user)).exclude(end_reason="").update(end_reason="—")
    StageTransition.objects.filter(enrollment__member=user).update(grounds="—")
    AdoptionPiece.objects.filter(enrollment__member=user).update(description="—")
    for evidence in Evidence.objects.filter(apprentice=user):
        if evidence.file:
            evidence.file.delete(save=False)
        evidence.title, evidence.text, evidence.link, evidence.file_name = "—", "", "", ""
        evidence.review_comment = ""
        evidence.save()
    PlanGoal.objects.filter(apprentice=user).delete()
    PathProfile.objects.filter(member=user).update(public_in_chain=False)
    Enrollment.objects.filter(member=user).exclude(drop_reason="").update(drop_reason="—")
