"""What the soak run needs from the scale data set (run inside Django by bench/soak.py, `manage.py shell -c`).

Prints one JSON object: the members each simulated person signs in as (all with BENCH_PASSWORD), the open missions,
the public pages' keys, and the soak's team member with their TOTP secret: the team must use double authentication,
so that member has an authenticator app like a real one. It is an account of its own (made here once, on a bench
database only), so that `make bench`, which signs bench-formateur in with a password alone, is not changed."""

import json

from django.conf import settings
from django.utils import timezone

from bench import BENCH_PASSWORD, BENCH_PROFILE_SLUG

SOAK_STAFF = "bench-equipe-mfa@bench.test"

SOAK_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # the bench's, never a real account's
PERSONS = 60
MISSIONS = 2000  # open missions the compagnons pick from at random (one application each, then withdrawn)


def main() -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.hashers import make_password

    from compagnons.accounts.models import CharterAcceptance, CharterVersion, Role, RoleGrant, User
    from compagnons.apprenticeship.models import Mentorship
    from compagnons.credentials.models import IssuedCredential
    from compagnons.missions.models import Mission
    from compagnons.showcase.models import Profile

    if "bench" not in str(settings.DATABASES["default"]["NAME"]):
        raise SystemExit("soak_setup runs on a bench database only.")
    staff, created = User.objects.get_or_create(
        email=SOAK_STAFF,
        defaults={
            "first_name": "Paul",
            "last_name": "Banc",
            "password": make_password(BENCH_PASSWORD),
            "is_staff": True,
        },
    )
    if created:
        RoleGrant.objects.get_or_create(user=staff, role=Role.STAFF)
        EmailAddress.objects.update_or_create(
            user=staff, email=SOAK_STAFF, defaults={"verified": True, "primary": True}
        )
        charter = CharterVersion.objects.current()
        if charter:
            CharterAcceptance.objects.get_or_create(user=staff, charter=charter)
    if not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(staff, SOAK_TOTP_SECRET)

    pairs = list(
        Mentorship.objects.active()
        .filter(apprentice__email__startswith="membre", mentor__email__startswith="membre")
        .order_by("pk")
        .values_list("pk", "apprentice__email", "mentor__email")[:PERSONS]
    )
    today = timezone.localdate()
    missions = list(
        Mission.objects.filter(status=Mission.Status.PUBLISHED, deadline__gte=today)
        .order_by("-pk")
        .values_list("pk", "client__email")[:MISSIONS]
    )
    credential = IssuedCredential.objects.order_by("pk").values_list("uuid", flat=True).first()
    profiles = Profile.objects.published()
    profile = profiles.filter(slug=BENCH_PROFILE_SLUG).first() or profiles.order_by("pk").first()
    print(
        json.dumps(
            {
                "pairs": [{"mentorship": pk, "apprentice": a, "compagnon": c} for pk, a, c in pairs],
                "missions": [pk for pk, _client in missions],
                "clients": [{"email": client, "mission": pk} for pk, client in missions[:PERSONS]],
                "staff": {"email": SOAK_STAFF, "totp_secret": SOAK_TOTP_SECRET},
                "profile": profile.slug if profile else "",
                "credential": str(credential) if credential else "",
            }
        )
    )
