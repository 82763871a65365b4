"""What the soak run needs from the scale data set (run inside Django by bench/soak.py, `manage.py shell -c`).

Prints one JSON object: the members each simulated person signs in as (all with BENCH_PASSWORD), the open missions,
the public pages' keys, and bench-formateur's TOTP secret: the team must use double authentication, so the soak's
staff member has an authenticator app like a real one (made here once, with a fixed secret, on the bench database
only)."""

import json

from django.conf import settings
from django.utils import timezone

from bench import BENCH_FORMATEUR, BENCH_PROFILE_SLUG

SOAK_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # the bench's, never a real account's
PERSONS = 60
MISSIONS = 2000  # open missions the compagnons pick from at random (one application each, then withdrawn)


def main() -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from compagnons.accounts.models import User
    from compagnons.apprenticeship.models import Mentorship
    from compagnons.credentials.models import IssuedCredential
    from compagnons.missions.models import Mission

    if "bench" not in str(settings.DATABASES["default"]["NAME"]):
        raise SystemExit("soak_setup runs on a bench database only.")
    staff = User.objects.get(email=BENCH_FORMATEUR)
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
    print(
        json.dumps(
            {
                "pairs": [{"mentorship": pk, "apprentice": a, "compagnon": c} for pk, a, c in pairs],
                "missions": [pk for pk, _client in missions],
                "clients": [{"email": client, "mission": pk} for pk, client in missions[:PERSONS]],
                "staff": {"email": BENCH_FORMATEUR, "totp_secret": SOAK_TOTP_SECRET},
                "profile": BENCH_PROFILE_SLUG,
                "credential": str(credential) if credential else "",
            }
        )
    )
