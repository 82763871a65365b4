"""Reads: how a member takes a credential elsewhere — the signed JSON (for a wallet) and LinkedIn's « add to
profile » link, which carries the credential's verification address."""

from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType

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


def issued_for(evidence_model, evidence_ids, member) -> dict[int, IssuedCredential]:
    """The member's credentials issued from these pieces of evidence (e.g. a mission's attestations), by evidence id.
    One query."""
    evidence_type = ContentType.objects.get_for_model(evidence_model)
    rows = IssuedCredential.objects.filter(
        evidence_type=evidence_type, evidence_id__in=list(evidence_ids), member=member
    )
    return {c.evidence_id: c for c in rows}
