"""Demo: a second site on `localhost`, so that `make run` shows two brandings (127.0.0.1 is the default site)."""

from compagnons.core import sites
from compagnons.core.models import Site, SiteHost

HOME_TEXT = (
    "**Les Compagnons du Sud-Ouest** : le même parcours, les mêmes missions et les mêmes comptes que "
    "la plateforme nationale, présentés pour les télétravailleurs d'Occitanie et de Nouvelle-Aquitaine."
)


def seed(world: dict) -> None:
    if SiteHost.objects.filter(host="localhost").exists():
        return
    site = Site(
        name="Compagnons du Sud-Ouest",
        tagline="télétravail en Occitanie",
        primary_colour="#9a3412",
        accent_colour="#1d4ed8",
        home_text=HOME_TEXT,
        email_sender="Compagnons du Sud-Ouest <ne-pas-repondre@sud-ouest.compagnons.example>",
        footer_text="Compagnons du Sud-Ouest, une antenne de l'association des compagnons du télétravail (AMT).",
    )
    sites.save_site(site, hosts=["localhost"], by=world.get("formateur@demo.test"))
