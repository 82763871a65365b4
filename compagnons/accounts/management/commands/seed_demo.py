"""A small, believable world for trying the platform: `manage.py seed_demo` (idempotent, DEBUG only).

Later issues extend it: each app adds its part in `compagnons/<app>/demo.py` (a `seed(world)` function).
"""

from importlib import import_module
from importlib.util import find_spec

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from compagnons.accounts import services
from compagnons.accounts.models import Availability, Region, Role, RoleGrant, User

DEMO_PASSWORD = "compagnons-demo"

# (email, first name, last name, roles, trade, region, languages)
PEOPLE = [
    (
        "formateur@demo.test",
        "Claire",
        "Moreau",
        [Role.STAFF],
        "Formatrice et coordinatrice",
        Region.OCCITANIE,
        "français, anglais",
    ),
    ("apprenti@demo.test", "Léa", "Martin", [Role.APPRENTICE], "Télésecrétariat", Region.OCCITANIE, "français"),
    (
        "compagnon@demo.test",
        "Jean-Pierre",
        "Dubois",
        [Role.COMPAGNON],
        "Graphisme",
        Region.BRETAGNE,
        "français, breton",
    ),
    (
        "client@demo.test",
        "Sophie",
        "Bernard",
        [Role.CLIENT],
        "Gérante d'une librairie en ligne",
        Region.NOUVELLE_AQUITAINE,
        "français",
    ),
    (
        "karim.haddad@demo.test",
        "Karim",
        "Haddad",
        [Role.APPRENTICE],
        "Développement web",
        Region.HAUTS_DE_FRANCE,
        "français, arabe, anglais",
    ),
    (
        "nathalie.petit@demo.test",
        "Nathalie",
        "Petit",
        [Role.APPRENTICE],
        "Assistance comptable",
        Region.GRAND_EST,
        "français",
    ),
    (
        "marie.lefevre@demo.test",
        "Marie",
        "Lefèvre",
        [Role.COMPAGNON, Role.CLIENT],
        "Rédaction web",
        Region.ILE_DE_FRANCE,
        "français, espagnol",
    ),
    (
        "paul.girard@demo.test",
        "Paul",
        "Girard",
        [Role.CLIENT],
        "Association Les Jardins partagés",
        Region.PAYS_DE_LA_LOIRE,
        "français",
    ),
    (
        "sylvie.garnier@demo.test",
        "Sylvie",
        "Garnier",
        [Role.APPRENTICE],
        "Télésecrétariat",
        Region.BRETAGNE,
        "français",
    ),
    ("thomas.roux@demo.test", "Thomas", "Roux", [Role.APPRENTICE], "Télésecrétariat", Region.NORMANDIE, "français"),
    (
        "bernard.rousseau@demo.test",
        "Bernard",
        "Rousseau",
        [],
        "Traduction anglais-français",
        Region.CORSE,
        "français, anglais, italien",
    ),
]

FOUNDER_EVIDENCE = {
    "compagnon@demo.test": "Graphiste indépendant depuis 2004, 15 clients réguliers,"
    " références vérifiées par l'équipe.",
    "marie.lefevre@demo.test": "Rédactrice web indépendante depuis 2011, a déjà formé trois stagiaires.",
}


class Command(BaseCommand):
    help = "Create the demo world (idempotent). Refuses to run when DEBUG is off."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo ne tourne qu'en développement (DEBUG=1) : il crée des comptes au mot de passe connu."
            )
        with transaction.atomic():
            world = self.seed_accounts()
            for app_config in apps.get_app_configs():
                module = f"{app_config.name}.demo"
                if app_config.name.startswith("compagnons.") and find_spec(module) is not None:
                    import_module(module).seed(world)
            # A second pass for the demos that need every app's data first (funding: the past promotions).
            for app_config in apps.get_app_configs():
                module = f"{app_config.name}.demo"
                if app_config.name.startswith("compagnons.") and find_spec(module) is not None:
                    late = getattr(import_module(module), "seed_last", None)
                    if late is not None:
                        late(world)
        self.stdout.write(self.style.SUCCESS(f"Démo prête : {len(world)} comptes, mot de passe « {DEMO_PASSWORD} »."))

    def seed_accounts(self) -> dict[str, User]:
        password_hash = make_password(DEMO_PASSWORD)
        charter = services.current_charter()
        world: dict[str, User] = {}
        new: set[str] = set()
        for email, first, last, _roles, trade, region, languages in PEOPLE:
            user, created = User.objects.get_or_create(
                email=email,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "password": password_hash,
                    "trade": trade,
                    "region": region,
                    "languages": languages,
                    "availability": Availability.PART_TIME,
                },
            )
            EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
            if charter:
                services.accept_charter(user, charter)
            services.welcome_member(user)  # as at sign-up: the ledger account and its welcome grant
            world[email] = user
            if created:
                new.add(email)
        staff = world["formateur@demo.test"]
        if not staff.is_formateur:
            # The first staff member is bootstrapped directly, as `createsuperuser` would.
            RoleGrant.objects.get_or_create(user=staff, role=Role.STAFF, defaults={"reason": "Démo"})
            User.objects.filter(pk=staff.pk).update(is_staff=True)
            staff.refresh_from_db()
            staff.__dict__.pop("roles", None)
        for email, _first, _last, roles, *_rest in PEOPLE:
            if email not in new:
                continue  # roles may have changed since (a path completed): leave them be
            user = world[email]
            for role in roles:
                if role == Role.COMPAGNON:
                    services.recognise_founding_compagnon(user, by=staff, evidence=FOUNDER_EVIDENCE[email])
                elif role != Role.STAFF:
                    services.grant_role(user, role, by=staff)
        bernard = world["bernard.rousseau@demo.test"]
        if bernard.transmit_requested_at is None:
            services.register_member(bernard, intents=[services.Intent.TRANSMIT])
        return world
