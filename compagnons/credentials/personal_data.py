"""Credentials never carry the e-mail in clear (a salted hash). They are the holder's titles: the export lists them;
erasure revokes nothing (a title stays true), and the signed documents hold no name to remove."""

from compagnons.credentials.models import IssuedCredential


def export(user) -> dict:
    return {
        "credentials": [
            {"name": c.name, "id": c.document.get("id"), "issued_at": c.issued_at.isoformat(), "revoked": c.is_revoked}
            for c in IssuedCredential.objects.filter(member=user)
        ]
    }


def erase(user, traces: list[str]) -> None:
    return None
