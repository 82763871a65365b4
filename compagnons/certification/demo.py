"""Demo data for certification (called by `manage.py seed_demo`, after the path): Sylvie's jury at the end of her
promotion (received through the path, she then takes Thomas as her apprentice), and a recent jury with its minutes, two
candidates (an aspirante by the path, a founding compagnon by VAE), their credentials, one of them revoked."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from compagnons.apprenticeship import services as path
from compagnons.apprenticeship.models import Enrollment, Mentorship
from compagnons.apprenticeship.pairing import is_mentor_of
from compagnons.certification import services
from compagnons.certification.models import Decision, JurySession, Route
from compagnons.credentials import services as credentials
from compagnons.credentials.models import IssuedCredential
from compagnons.skills.models import Certification


def seed(world: dict) -> None:
    if JurySession.objects.exists():
        return
    staff = world["formateur@demo.test"]
    nathalie, jean_pierre = world["nathalie.petit@demo.test"], world["compagnon@demo.test"]
    certification = Certification.objects.current()
    competences = list(certification.competences.all())

    parcours = services.declare_masterpiece(
        nathalie,
        certification=certification,
        title="La comptabilité d'une association, de A à Z",
        account="J'ai repris la tenue des comptes de l'association Les Jardins partagés : rapprochements, "
        "factures, budget prévisionnel, présentation à l'assemblée générale.",
        competences=competences[:6],
    )
    if is_mentor_of(jean_pierre, nathalie):
        services.confirm_ready(parcours, by=jean_pierre)
    vae = services.declare_masterpiece(
        jean_pierre,
        certification=certification,
        title="Vingt ans de graphisme indépendant",
        account="Dossier d'expérience : 15 clients réguliers, 3 apprentis formés, portfolio et attestations jointes.",
        competences=competences[:12],
        route=Route.VAE,
    )

    _sylvie_received(world, certification, competences)
    session = JurySession.objects.create(
        certification=certification,
        date=timezone.localdate() - timedelta(days=45),
        place="Visio (lien envoyé aux membres)",
        organised_by=staff,
    )
    members = [
        (world["marie.lefevre@demo.test"], False, "Rédactrice web indépendante"),
        (world["paul.girard@demo.test"], True, "Gestionnaire d'association"),
        (world["bernard.rousseau@demo.test"], True, "Traducteur indépendant"),
        (world["client@demo.test"], True, "Gérante d'une librairie en ligne"),
    ]
    _deliberate(session, members, [parcours, vae], staff=staff)

    wrong = IssuedCredential.objects.filter(member=jean_pierre, achievement_type="Competency").order_by("pk").last()
    if wrong:
        credentials.revoke(wrong, by=staff, reason="Émis en double par erreur lors de la saisie du jury.")


def _deliberate(session: JurySession, members, masterpieces, *, staff) -> None:
    """Seat the members, present the candidates, fill every grid, validate every bloc, confirm the minutes; the
    decisions are dated on the session's day."""
    for user, external, profession in members:
        services.add_member(session, user, by=staff, is_external=external, profession=profession)
    for masterpiece in masterpieces:
        services.add_candidate(session, masterpiece, by=staff)
    blocks = list(session.certification.blocks.prefetch_related("competences"))
    for seat in session.members.select_related("user"):
        services.declare_no_conflict(seat, by=seat.user)
        for candidacy in session.candidacies.all():
            for block in blocks:
                criteria = len([c for comp in block.competences.all() for c in comp.criteria])
                services.evaluate(
                    candidacy, block, by=seat.user, criteria_met=list(range(criteria)), proposes_validation=True
                )
    for candidacy in session.candidacies.select_related("masterpiece"):
        services.decide(
            candidacy,
            {b.pk: (True, "") for b in blocks},
            by=staff,
            reasons="Un chef-d'œuvre solide, présenté avec clarté.",
        )
    for seat in session.members.select_related("user"):
        services.confirm_minutes(seat, by=seat.user)
    day = timezone.make_aware(datetime.combine(session.date, time(17, 0)))
    Decision.objects.filter(candidacy__session=session).update(decided_at=day)


def _sylvie_received(world: dict, certification, competences) -> None:
    """Sylvie, aspirante of last year's promotion, presents her chef-d'œuvre to its jury and is received; the
    compagnon she has become takes Thomas as her apprentice (la chaîne: Jean-Pierre → Sylvie → Thomas)."""
    staff = world["formateur@demo.test"]
    sylvie, thomas = world["sylvie.garnier@demo.test"], world["thomas.roux@demo.test"]
    jean_pierre = world["compagnon@demo.test"]
    masterpiece = services.declare_masterpiece(
        sylvie,
        certification=certification,
        title="Le secrétariat à distance d'un cabinet d'infirmiers",
        account="Trois mois d'agenda, de tournées et de facturation pour un cabinet de quatre infirmiers, "
        "sans réclamation ; les procédures écrites ont été reprises par le cabinet.",
        competences=competences[:6],
    )
    services.confirm_ready(masterpiece, by=jean_pierre)
    enrollment = Enrollment.objects.active().get(member=sylvie)
    session = JurySession.objects.create(
        certification=certification,
        date=enrollment.cohort.ends_on,
        place="Locaux de l'association, Toulouse",
        organised_by=staff,
    )
    members = [
        (world["marie.lefevre@demo.test"], False, "Rédactrice web indépendante"),
        (world["paul.girard@demo.test"], True, "Gestionnaire d'association"),
        (world["client@demo.test"], True, "Gérante d'une librairie en ligne"),
    ]
    _deliberate(session, members, [masterpiece], staff=staff)
    received = timezone.make_aware(datetime.combine(session.date, time(17, 0)))
    Enrollment.objects.filter(pk=enrollment.pk).update(ended_at=received, stage_changed_at=received)
    Mentorship.objects.filter(apprentice=sylvie, mentor=jean_pierre).update(ended_at=received)
    # Thomas, of this year's promotion, has Sylvie for compagnon since then.
    today = timezone.localdate()
    sylvie = type(sylvie).objects.get(pk=sylvie.pk)  # her roles changed with the decision
    mentorship = path.assign_mentor(thomas, sylvie, by=staff)
    Mentorship.objects.filter(pk=mentorship.pk).update(started_at=timezone.now() - timedelta(days=50))
    mentorship.refresh_from_db()
    first = path.log_session(
        mentorship,
        by=sylvie,
        on=today - timedelta(days=10),
        duration_minutes=60,
        mode="visio",
        competences=competences[:2],
        notes="Premier échange : son projet, ses premiers clients possibles.",
        next_steps="Préparer un devis type pour la prochaine fois.",
        next_session_on=today + timedelta(days=7),
    )
    path.confirm_session(first, by=thomas)
