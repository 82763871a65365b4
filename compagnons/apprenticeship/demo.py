"""Demo data for the path (called by `manage.py seed_demo`, after skills): two cohorts, every stage,
founding compagnons, a chain of three generations, sessions confirmed and pending, evidence validated and waiting."""

from datetime import timedelta

from django.utils import timezone

from compagnons.apprenticeship import services
from compagnons.apprenticeship.models import Cohort, Evidence, Mentorship, PathProfile
from compagnons.ledger import services as ledger_services
from compagnons.skills import services as skills_services
from compagnons.skills.models import Assessment, Certification, Positioning


def seed(world: dict) -> None:
    if Cohort.objects.exists():
        return
    staff = world["formateur@demo.test"]
    jean_pierre, marie = world["compagnon@demo.test"], world["marie.lefevre@demo.test"]
    lea, karim, nathalie = (
        world["apprenti@demo.test"],
        world["karim.haddad@demo.test"],
        world["nathalie.petit@demo.test"],
    )
    sylvie, thomas = world["sylvie.garnier@demo.test"], world["thomas.roux@demo.test"]
    certification = Certification.objects.current()
    today = timezone.localdate()
    competences = list(certification.competences.order_by("block__position", "position"))

    for member, public in [(jean_pierre, True), (marie, True), (sylvie, True)]:
        PathProfile.objects.update_or_create(member=member, defaults={"public_in_chain": public})

    # The first generation: Sylvie, apprenticed to Jean-Pierre last year, aspirant at the end of her promotion.
    previous = services.save_cohort(
        Cohort(
            name="Promotion 2025 — Bretagne",
            certification=certification,
            starts_on=today - timedelta(days=420),
            ends_on=today - timedelta(days=60),
            formateur=staff,
            funding="france_travail",
            capacity=10,
            open_for_requests=False,
        ),
        by=staff,
    )
    services.enroll(previous, sylvie, by=staff)
    first = services.assign_mentor(sylvie, jean_pierre, by=staff)
    Mentorship.objects.filter(pk=first.pk).update(started_at=timezone.now() - timedelta(days=400))
    services.record_adoption_piece(
        sylvie, by=staff, description="Trois mois de télésecrétariat pour un cabinet d'infirmiers, sans réclamation."
    )
    # She is aspirant: her jury (certification's demo) receives her as compagnon, which ends the mentorship, and she
    # then takes Thomas as her apprentice.

    # This year's cohort.
    cohort = services.save_cohort(
        Cohort(
            name="Promotion 2026 — Printemps",
            certification=certification,
            starts_on=today - timedelta(days=90),
            ends_on=today + timedelta(days=270),
            formateur=staff,
            funding="france_travail",
            capacity=12,
        ),
        by=staff,
    )
    for member in (lea, karim, nathalie, thomas):
        services.enroll(cohort, member, by=staff)
    pairs = [(lea, jean_pierre), (nathalie, jean_pierre), (karim, marie)]
    mentorships = {}
    for apprentice, mentor in pairs:
        m = services.assign_mentor(apprentice, mentor, by=staff)
        Mentorship.objects.filter(pk=m.pk).update(started_at=timezone.now() - timedelta(days=80))
        m.refresh_from_db()
        mentorships[apprentice.pk] = m

    # Sessions: confirmed ones are attendance signed by both; one waits, one is disputed.
    def session(apprentice, days_ago, minutes, picked, confirm=True, notes=""):
        s = services.log_session(
            mentorships[apprentice.pk],
            by=mentorships[apprentice.pk].mentor,
            on=today - timedelta(days=days_ago),
            duration_minutes=minutes,
            mode="visio",
            competences=picked,
            notes=notes,
            next_steps="Préparer un devis type pour la prochaine fois.",
            next_session_on=today + timedelta(days=7),
        )
        if confirm:
            services.confirm_session(s, by=apprentice)
        return s

    session(lea, 60, 60, competences[:2], notes="Premier pitch : clair, un peu long.")
    session(lea, 30, 90, competences[2:4], notes="Organisation de la semaine, outils.")
    session(lea, 2, 45, competences[:1], confirm=False, notes="Pitch retravaillé.")
    session(nathalie, 40, 60, competences[6:8])
    session(karim, 20, 60, competences[12:14])
    disputed = session(karim, 5, 120, competences[14:15], confirm=False)
    services.dispute_session(disputed, by=karim, comment="La séance a duré une heure, pas deux.")

    # Evidence: validated (feeds the carnet de route and the levels), waiting, to redo.
    validated = services.add_evidence(
        lea,
        by=lea,
        title="Mon pitch pour le cabinet Martin & associés",
        kind=Evidence.Kind.TEXT,
        competences=competences[:2],
        text="Bonjour, je suis Léa, télésecrétaire indépendante. J'ai repris l'agenda d'un cabinet de trois "
        "kinésithérapeutes : zéro rendez-vous perdu en deux mois.",
    )
    services.review_evidence(validated, by=jean_pierre, validate=True, comment="Clair et concret. Bravo.")
    services.add_evidence(
        lea,
        by=lea,
        title="Mon tableau de suivi des devis",
        kind=Evidence.Kind.LINK,
        competences=competences[19:21],
        link="https://exemple.org/lea/devis",
    )
    redo = services.add_evidence(
        karim,
        by=karim,
        title="Maquette de site vitrine",
        kind=Evidence.Kind.LINK,
        competences=competences[24:25],
        link="https://exemple.org/karim/maquette",
    )
    services.review_evidence(redo, by=marie, validate=False, comment="Il manque le cadrage avec le client.")

    # Nathalie's adoption piece: recorded by her compagnon, confirmed by staff → aspirante.
    piece_evidence = services.add_evidence(
        nathalie,
        by=nathalie,
        title="Rapprochements bancaires pour une association",
        kind=Evidence.Kind.TEXT,
        competences=competences[24:26],
        text="Trois mois de rapprochements pour l'association Les Jardins partagés.",
    )
    services.review_evidence(piece_evidence, by=jean_pierre, validate=True, comment="Travail propre et rendu à temps.")
    piece = services.record_adoption_piece(
        nathalie,
        by=jean_pierre,
        description="Première mission réelle, livrée à temps et sans erreur.",
        evidence=piece_evidence,
    )
    services.confirm_adoption_piece(piece, by=staff)

    # Léa's plan, from her positioning, with steps.
    goals = services.goals_from_positioning(lea, by=jean_pierre)
    for goal in goals[:2]:
        step = services.add_step(goal, "S'entraîner avec son compagnon", by=lea)
        services.add_step(goal, "Le faire pour un vrai client", by=lea)
        services.set_step_done(step, by=lea, done=True)

    # The compagnon's view of Léa's positioning.
    positioning = Positioning.objects.filter(member=lea).exclude(status=Positioning.Status.DRAFT).first()
    if positioning and not positioning.assessments.filter(source=Assessment.Source.MENTOR).exists():
        answers = {c.pk: (min(3, 1 + i % 3), "") for i, c in enumerate(competences)}
        answers[competences[0].pk] = (2, "Je l'ai vue présenter son offre à un client : c'était convaincant.")
        skills_services.review_positioning(positioning, answers, by=jean_pierre, source="mentor")

    # Help declared by a compagnon, waiting for the apprentice's confirmation (contributions ledger).
    ledger_services.declare_help(
        marie, karim, kind="coaching", minutes=45, note="Préparation de son premier entretien client"
    )
