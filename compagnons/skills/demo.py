"""Demo data for skills (called by `manage.py seed_demo`): positionings at every stage."""

from compagnons.skills import services
from compagnons.skills.models import Positioning

# Self-assessed levels for the demo apprentice, cycling over the compétences: believable, uneven.
SELF_PATTERN = [2, 1, 1, 0, 2, 3, 1, 2, 0, 1, 2, 1]
STAFF_PATTERN = [2, 1, 0, 0, 2, 2, 1, 2, 1, 1, 1, 1]


def answer_all(positioning: Positioning, member, pattern: list[int], *, limit: int | None = None) -> None:
    competences = list(positioning.certification.competences.order_by("block__position", "position"))[:limit]
    answers = {c.pk: (pattern[i % len(pattern)], "") for i, c in enumerate(competences)}
    services.save_self_assessment(positioning, answers, by=member)


def seed(world: dict) -> None:
    staff = world["formateur@demo.test"]
    lea = world["apprenti@demo.test"]
    if not Positioning.objects.filter(member=lea).exists():
        positioning = services.start_positioning(lea, by=lea)
        answer_all(positioning, lea, SELF_PATTERN)
        services.submit_positioning(positioning, by=lea)
        competences = list(positioning.certification.competences.order_by("block__position", "position"))
        review = {c.pk: (STAFF_PATTERN[i % len(STAFF_PATTERN)], "") for i, c in enumerate(competences)}
        review[competences[0].pk] = (2, "Pitch clair, à raccourcir un peu.")
        services.review_positioning(
            positioning,
            review,
            by=staff,
            source="staff",
            summary="Léa sait déjà organiser son travail ; priorité : se présenter et chiffrer ses devis.",
        )
    karim = world["karim.haddad@demo.test"]
    if not Positioning.objects.filter(member=karim).exists():
        draft = services.start_positioning(karim, by=karim)
        answer_all(draft, karim, [1, 2, 0, 3], limit=8)
    # Nathalie's entry positioning was reviewed long ago: the jury has since received her as compagnon, so nothing of
    # hers waits in the team's queue. The one waiting is Thomas's, an apprentice who has just arrived.
    nathalie = world["nathalie.petit@demo.test"]
    if not Positioning.objects.filter(member=nathalie).exists():
        reviewed = services.start_positioning(nathalie, by=nathalie)
        answer_all(reviewed, nathalie, [2, 2, 1, 0, 1])
        services.submit_positioning(reviewed, by=nathalie)
        competences = list(reviewed.certification.competences.order_by("block__position", "position"))
        services.review_positioning(
            reviewed,
            {c.pk: ([2, 2, 1, 1, 1][i % 5], "") for i, c in enumerate(competences)},
            by=staff,
            source="staff",
            summary="Nathalie connaît la comptabilité ; priorité : trouver ses premiers clients.",
        )
    thomas = world["thomas.roux@demo.test"]
    if not Positioning.objects.filter(member=thomas).exists():
        submitted = services.start_positioning(thomas, by=thomas)
        answer_all(submitted, thomas, [1, 2, 1, 0, 1])
        services.submit_positioning(submitted, by=thomas)
