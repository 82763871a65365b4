"""Reads: how a secret looks, its digest, and the usable token behind a secret. No writes (see services)."""

import hashlib
import secrets

from compagnons.api.models import AccessToken

SECRET_PREFIX = "cpat_"  # « compagnons personal access token »: recognisable by secret scanners


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)  # 256 bits


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def find(secret: str) -> AccessToken | None:
    """The usable token of this secret with its user, or None (unknown, revoked, expired, inactive account)."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 100:
        return None
    token = (
        AccessToken.objects.usable()
        .select_related("user")
        .filter(digest=digest(secret), user__is_active=True, user__erased_at__isnull=True)
        .first()
    )
    return token
