"""Demo data for the path (called by `manage.py seed_demo`, after skills)."""

from compagnons.apprenticeship import services
from compagnons.apprenticeship.models import Mentorship
from compagnons.skills import services as skills_services
from compagnons.skills.models import Assessment, Positioning


def seed(world: dict) -> None:
    staff = world["formateur@demo.test"]
    lea, jean_pierre = world["apprenti@demo.test"], world["compagnon@demo.test"]
    karim, marie = world["karim.haddad@demo.test"], world["marie.lefevre@demo.test"]
    if not Mentorship.objects.filter(apprentice=lea).exists():
        services.assign_mentor(lea, jean_pierre, by=staff)
    if not Mentorship.objects.filter(apprentice=karim).exists():
        services.assign_mentor(karim, marie, by=staff)
    positioning = Positioning.objects.filter(member=lea).exclude(status=Positioning.Status.DRAFT).first()
    if positioning and not positioning.assessments.filter(source=Assessment.Source.MENTOR).exists():
        competences = list(positioning.certification.competences.order_by("block__position", "position"))
        answers = {c.pk: (min(3, 1 + i % 3), "") for i, c in enumerate(competences)}
        answers[competences[0].pk] = (2, "Je l'ai vue présenter son offre à un client : c'était convaincant.")
        skills_services.review_positioning(positioning, answers, by=jean_pierre, source="mentor")
