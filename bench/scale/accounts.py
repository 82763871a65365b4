"""Accounts: the four bench accounts the load generator logs in with, and the members (roles, e-mail, charter)."""

from datetime import timedelta
from itertools import batched

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from bench import BENCH_APPRENTICE, BENCH_CLIENT, BENCH_COMPAGNON, BENCH_FORMATEUR, BENCH_TOTP_SECRET
from bench.scale.registry import SCALE_EMAIL_DOMAIN, ScaleContext, seeder
from compagnons.accounts.models import Availability, CharterAcceptance, CharterVersion, Region, Role, RoleGrant, User

FIRST_NAMES = (  # noqa: SIM905 - a word list reads better as text
    "Léa Emma Jade Louise Alice Chloé Lina Rose Anna Mila Inès Ambre Julia Zoé Manon Camille Sarah Nour Fatou "
    "Aïcha Gabriel Louis Raphaël Jules Adam Lucas Léo Hugo Arthur Nathan Paul Sacha Mohamed Yanis Karim Samuel "
    "Malo Noé Thomas Mathis"
).split()
LAST_NAMES = (  # noqa: SIM905 - a word list reads better as text
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefèvre Leroy Roux "
    "David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller Lefebvre "
    "Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Haddad Nguyen Diallo "
    "Benali Lemaire"
).split()
TRADES = [
    "Télésecrétariat",
    "Assistance comptable",
    "Développement web",
    "Graphisme",
    "Rédaction web",
    "Traduction anglais-français",
    "Community management",
    "Support informatique",
    "Gestion de paie",
    "Transcription",
    "Illustration",
    "Montage vidéo",
    "Saisie de données",
    "Relation client",
    "Conseil en SEO",
    "",
]
LANGUAGES = ["français", "français, anglais", "français, espagnol", "français, arabe", "français, anglais, allemand"]


BENCH_EMAILS = [BENCH_APPRENTICE, BENCH_FORMATEUR, BENCH_COMPAGNON, BENCH_CLIENT]


def _bench_accounts_exist(ctx: ScaleContext) -> bool:
    return User.objects.filter(email__in=BENCH_EMAILS).count() == len(BENCH_EMAILS)


def _scale_user_count() -> int:
    return User.objects.filter(email__endswith=f"@{SCALE_EMAIL_DOMAIN}").count()


@seeder("accounts.bench_accounts", done=_bench_accounts_exist)
def seed_bench_accounts(ctx: ScaleContext) -> int:
    """The accounts `make bench` logs in with (password BENCH_PASSWORD)."""
    charter = CharterVersion.objects.current()
    people = [
        (BENCH_APPRENTICE, "Léa", "Banc", Role.APPRENTICE, False),
        (BENCH_FORMATEUR, "Claire", "Banc", Role.STAFF, True),
        (BENCH_COMPAGNON, "Jean", "Banc", Role.COMPAGNON, False),
        (BENCH_CLIENT, "Sophie", "Banc", Role.CLIENT, False),
    ]
    for email, first, last, role, is_staff in people:
        user, _created = User.objects.update_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "password": ctx.password_hash,
                "is_staff": is_staff,
                "trade": "Télésecrétariat",
                "region": Region.OCCITANIE,
                "languages": "français",
                "availability": Availability.PART_TIME,
            },
        )
        RoleGrant.objects.get_or_create(user=user, role=role)
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        if charter:
            CharterAcceptance.objects.get_or_create(user=user, charter=charter)
    return len(people)


def _bench_staff_mfa_exists(ctx: ScaleContext) -> bool:
    return Authenticator.objects.filter(user__email=BENCH_FORMATEUR, type=Authenticator.Type.TOTP).exists()


@seeder("accounts.bench_mfa", done=_bench_staff_mfa_exists)
def seed_bench_mfa(ctx: ScaleContext) -> int:
    """bench-formateur's authenticator app (TOTP, secret BENCH_TOTP_SECRET): staff must use double authentication
    (STAFF_MFA_REQUIRED), and the bench logs them in with it as production would."""
    TOTP.activate(User.objects.get(email=BENCH_FORMATEUR), BENCH_TOTP_SECRET)
    return 1


@seeder("accounts.members", done=lambda ctx: _scale_user_count() >= ctx.users)
def seed_members(ctx: ScaleContext) -> int:
    """Members with roles, a verified e-mail address and the current charter accepted."""
    charter = CharterVersion.objects.current()
    rng = ctx.rng
    regions = list(Region.values)
    availabilities = list(Availability.values)
    start = _scale_user_count()
    created = 0
    for numbers in batched(range(start, ctx.users), ctx.batch_size):
        users, roles = [], []
        for n in numbers:
            r = rng.random()
            user_roles = (
                [Role.APPRENTICE]
                if r < 0.70
                else [Role.COMPAGNON]
                if r < 0.84
                else [Role.CLIENT]
                if r < 0.95
                else [Role.COMPAGNON, Role.CLIENT]
                if r < 0.999
                else [Role.STAFF]
            )
            joined = ctx.past()
            users.append(
                User(
                    email=f"membre{n:06d}@{SCALE_EMAIL_DOMAIN}",
                    password=ctx.password_hash,
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    is_staff=Role.STAFF in user_roles,
                    trade=rng.choice(TRADES),
                    region=rng.choice(regions),
                    languages=rng.choice(LANGUAGES),
                    availability=rng.choice(availabilities),
                    date_joined=joined,
                    transmit_requested_at=(
                        joined + timedelta(days=rng.randrange(30))
                        if Role.COMPAGNON not in user_roles and rng.random() < 0.02
                        else None
                    ),
                )
            )
            roles.append(user_roles)
        users = User.objects.bulk_create(users)
        assert all(u.pk for u in users), "bulk_create must return primary keys (SQLite ≥ 3.35 or PostgreSQL)"
        RoleGrant.objects.bulk_create(
            RoleGrant(user=u, role=role, granted_at=u.date_joined)
            for u, rs in zip(users, roles, strict=True)
            for role in rs
        )
        EmailAddress.objects.bulk_create(
            EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
        )
        if charter:
            CharterAcceptance.objects.bulk_create(
                CharterAcceptance(user=u, charter=charter, accepted_at=u.date_joined + timedelta(minutes=5))
                for u in users
            )
        created += len(users)
        ctx.log(f"  members: {start + created}/{ctx.users}")
    return created
