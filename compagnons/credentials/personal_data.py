"""Credentials never carry the e-mail in clear (a salted hash). They are the holder's titles: the export lists them;
erasure revokes nothing (a title stays true), and the signed documents hold no name to remove."""

from compagnons.credentials.models import HouseCredential, HouseEndorsement, IssuedCredential


def export(user) -> dict:
    return {
        "credentials": [
            {"name": c.name, "id": c.document.get("id"), "issued_at": c.issued_at.isoformat(), "revoked": c.is_revoked}
            for c in IssuedCredential.objects.filter(member=user)
        ],
        "from_other_houses": [
            {"name": c.name, "id": c.credential_id, "house": c.house.did, "added_at": c.added_at.isoformat()}
            for c in HouseCredential.objects.filter(member=user).select_related("house")
        ],
        "endorsements_from_other_houses": [
            {
                "name": e.name,
                "id": e.credential_id,
                "house": e.house.did,
                "endorses": e.endorsed_title,
                "comment": e.comment,
                "added_at": e.added_at.isoformat(),
            }
            for e in HouseEndorsement.objects.filter(member=user).select_related(
                "house", "issued_credential", "house_credential"
            )
        ],
    }


def erase(user, traces: list[str]) -> None:
    """The titles and recommendations of other houses the member added are their copies: removed (the house keeps
    its own)."""
    HouseEndorsement.objects.filter(member=user).delete()
    HouseCredential.objects.filter(member=user).delete()
