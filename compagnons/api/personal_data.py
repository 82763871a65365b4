"""The member's tokens in their personal data export (never a secret or its digest), deleted with the account."""

from compagnons.api.models import AccessToken


def export(user) -> dict:
    return {
        "tokens": [
            {
                "name": token.name,
                "prefix": token.prefix,
                "scopes": token.scopes,
                "created_at": token.created_at.isoformat(),
                "expires_at": token.expires_at.isoformat(),
                "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
                "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
            }
            for token in AccessToken.objects.filter(user=user)
        ]
    }


def erase(user, traces: list[str]) -> None:
    AccessToken.objects.filter(user=user).delete()
