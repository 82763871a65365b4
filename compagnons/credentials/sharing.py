"""Reads: how a member takes a credential elsewhere — the signed JSON (for a wallet) and LinkedIn's « add to
profile » link, which carries the credential's verification address."""

from urllib.parse import urlencode

from compagnons.credentials.models import IssuedCredential
from compagnons.credentials.services import ISSUER_NAME, page_url

LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def linkedin_url(credential: IssuedCredential) -> str:
    """LinkedIn's « Add to profile » link for a licence or certification, pre-filled (LinkedIn's documented
    parameters): name, issuing organisation, issue month and year, the verification URL and the credential's id."""
    return (
        LINKEDIN_ADD_TO_PROFILE
        + "?"
        + urlencode(
            {
                "startTask": "CERTIFICATION_NAME",
                "name": credential.name,
                "organizationName": ISSUER_NAME,
                "issueYear": credential.issued_at.year,
                "issueMonth": credential.issued_at.month,
                "certUrl": page_url(credential),
                "certId": str(credential.uuid),
            }
        )
    )
