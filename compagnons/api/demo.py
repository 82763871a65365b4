"""Demo data for the API (called by `manage.py seed_demo`): a personal access token for the demo compagnon, made by
the service and shown once on the command's output, as the profile page would show it."""

import sys

from compagnons.api import services
from compagnons.api.models import AccessToken, Scope


def seed(world: dict) -> None:
    member = world["compagnon@demo.test"]
    if AccessToken.objects.filter(user=member).exists():
        return
    scopes = [Scope.READ_PROFILE, Scope.READ_MISSIONS, Scope.READ_LEDGER, Scope.READ_SESSIONS]
    _token, secret = services.create_token(member, name="Démo", scopes=scopes, days=90, by=member)
    sys.stdout.write(f"Jeton d'API de démonstration (compagnon@demo.test, affiché une seule fois) : {secret}\n")
