"""Demo data for the showcase (called by `manage.py seed_demo`, last): the demo compagnon's published page, pitch
reviewed by a peer, and brochure."""

from compagnons.accounts.models import User
from compagnons.showcase import services
from compagnons.showcase.models import Brochure, Profile, Service
from compagnons.showcase.tasks import build_brochure


def seed(world: dict) -> None:
    jean_pierre = world["compagnon@demo.test"]
    if Profile.objects.filter(member=jean_pierre).exists():
        _brochure(Profile.objects.get(member=jean_pierre), jean_pierre)  # rebuilt if stale (another port, issuer)
        return
    marie = world["marie.lefevre@demo.test"]
    profile = services.profile_of(jean_pierre)
    profile.headline = "Graphiste indépendant : des supports clairs pour les petites structures"
    profile.audience = "Associations, artisans et commerces de proximité qui veulent une image nette sans agence."
    profile.how_i_work = (
        "Un premier appel d'une demi-heure, deux propositions, des retouches illimitées la première semaine."
    )
    profile.availability_note = "Deux jours par semaine"
    profile.regions = "Bretagne, à distance partout"
    profile.step = 5
    profile.save()
    Service.objects.create(profile=profile, title="Logo et charte simple", price_cents=90000, unit="fixed", hours=24)
    Service.objects.create(profile=profile, title="Mise en page de plaquette", price_cents=35000, unit="day")
    services.add_portfolio_item(
        profile, by=jean_pierre, title="Identité des Jardins partagés", link="https://exemple.org/jardins"
    )
    services.ask_page_review(profile, marie, by=jean_pierre)
    services.review_page(profile, by=marie, comment="Claire et chaleureuse. Ajoute un prix pour les cartes de visite ?")
    services.publish(profile, by=jean_pierre)
    pitch = services.save_pitch(
        jean_pierre,
        answers={
            "who": "Jean-Pierre, graphiste indépendant depuis vingt ans.",
            "what": "Je donne aux petites structures une image nette.",
            "for_whom": "Associations, artisans, commerces.",
            "different": "Je travaille vite, en parlant simplement.",
            "proof": "La fréquentation des Jardins partagés a doublé après leur nouvelle affiche.",
        },
        text="Je suis Jean-Pierre, graphiste depuis vingt ans. J'aide les associations et les artisans à avoir une "
        "image nette, vite et simplement. Dernier exemple : les Jardins partagés ont doublé leur fréquentation.",
    )
    services.ask_pitch_review(pitch, marie, by=jean_pierre)
    services.review_pitch(pitch, by=marie, comment="Bravo, c'est concret.", approve=True)
    _brochure(profile, jean_pierre)


def _brochure(profile: Profile, member: User) -> None:
    brochure = services.request_brochure(profile, by=member)
    if Brochure.objects.get(pk=brochure.pk).status != Brochure.Status.READY:
        build_brochure.call(brochure.pk)
