"""Demo data for certification (called by `manage.py seed_demo`, last): a past jury with its minutes, two candidates
(an aspirante by the path, a founding compagnon by VAE), their credentials, one of them revoked."""

from datetime import timedelta

from django.utils import timezone

from compagnons.apprenticeship.services import is_mentor_of
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
    for user, external, profession in members:
        services.add_member(session, user, by=staff, is_external=external, profession=profession)
    for masterpiece in (parcours, vae):
        services.add_candidate(session, masterpiece, by=staff)
    blocks = list(certification.blocks.all())
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
    Decision.objects.filter(candidacy__session=session).update(decided_at=timezone.now() - timedelta(days=45))

    wrong = IssuedCredential.objects.filter(member=jean_pierre, achievement_type="Competency").order_by("pk").last()
    if wrong:
        credentials.revoke(wrong, by=staff, reason="Émis en double par erreur lors de la saisie du jury.")
