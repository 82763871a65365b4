"""Reads: check any Open Badges 3.0 credential — ours or not — and say in plain French what holds: the verifier's
bounds, the official schema, the signature (against our published keys, active or retired), the status (revoked or
not) and the dates. Nothing here writes."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.credentials import ob3, resolver
from compagnons.credentials.models import House, IssuedCredential, SigningKey
from compagnons.credentials.services import issuer_id, legacy_issuer_id


def resolve_key(method: str):
    """Public key of a verification method: ours (under the did:web, or under the former https issuer for the
    credentials issued before it; active or retired), else another issuer's did:web through the network when it is
    allowed (resolver.py), else None. did:key is read by ob3 itself."""
    controller, _, kid = method.partition("#")
    if kid and controller in (issuer_id(), legacy_issuer_id()):
        key = SigningKey.objects.filter(kid=kid).first()
        return ob3.public_key_from_multibase(key.public_multibase) if key else None
    if controller.startswith("did:web:") and kid:
        return resolver.resolve_did_web_key(method)
    return None


def issuer_of(document: dict) -> str:
    issuer = document.get("issuer")
    return str(issuer.get("id", "")) if isinstance(issuer, dict) else str(issuer or "")


def _signers(document: dict) -> set[str]:
    """The controllers (the part before '#') of the verification methods of the document's Data Integrity proofs."""
    proofs = document.get("proof")
    proofs = [proofs] if isinstance(proofs, dict) else proofs if isinstance(proofs, list) else []
    return {
        str(p.get("verificationMethod", "")).partition("#")[0]
        for p in proofs
        if isinstance(p, dict) and p.get("type") == ob3.PROOF_TYPE
    }


@dataclass
class Verdict:
    schema_errors: list[str] = field(default_factory=list)
    signature_ok: bool = False
    signature_reason: str = ""
    status: str = "inconnu"  # valide / révoqué / inconnu
    dates_ok: bool = True
    dates_reason: str = ""
    credential: IssuedCredential | None = None
    refusal: str = ""  # beyond the verifier's bounds: nothing else was checked
    issuer_bound: bool = False  # the keys that signed are the issuer's own
    house: House | None = None  # issued by a registered house

    @property
    def ok(self) -> bool:
        return (
            not self.refusal
            and not self.schema_errors
            and self.signature_ok
            and self.issuer_bound
            and self.status == "valide"
            and self.dates_ok
        )


def check(document: dict) -> Verdict:
    refusal = ob3.check_bounds(document)
    if refusal:
        # before the schema and the signature: JSON-LD canonicalization must never see such a document
        return Verdict(refusal=refusal, signature_reason=refusal, dates_ok=False)
    schema = ob3.validate_endorsement(document) if ob3.is_endorsement(document) else ob3.validate_schema(document)
    verdict = Verdict(schema_errors=schema)
    verdict.signature_ok, verdict.signature_reason = ob3.verify(document, resolve_key)
    issuer = issuer_of(document)
    signers = _signers(document)
    # Ours: signed under our did:web or our former issuer, which it must name. Elsewhere: the issuer's own DID.
    verdict.issuer_bound = bool(signers) and signers <= {issuer}
    if issuer.startswith("did:web:") and issuer != issuer_id():
        verdict.house = House.objects.filter(did=issuer).first()
    # Ours if its id is the id of a credential we issued, whatever host name it was issued under.
    credential_id = str(document.get("id", ""))
    uid = credential_id.rstrip("/").rsplit("/", 1)[-1]
    if "/verifier/" in credential_id and is_uuid(uid):
        found = IssuedCredential.objects.filter(uuid=uid).first()
        verdict.credential = found if found and found.document.get("id") == credential_id else None
    if verdict.credential is not None:
        verdict.status = "révoqué" if verdict.credential.is_revoked else "valide"
    elif verdict.house is not None and verdict.signature_ok and verdict.issuer_bound:
        verdict.status = _house_status(document)
    now = timezone.now()
    valid_from, valid_until = _parse(document.get("validFrom")), _parse(document.get("validUntil"))
    if document.get("validFrom") and valid_from is None:
        verdict.dates_ok, verdict.dates_reason = False, _("La date de début de validité est illisible.")
    elif document.get("validUntil") and valid_until is None:
        verdict.dates_ok, verdict.dates_reason = False, _("La date de fin de validité est illisible.")
    elif _naive(valid_from) or _naive(valid_until):
        verdict.dates_ok, verdict.dates_reason = (
            False,
            _("Les dates de validité doivent indiquer leur fuseau horaire (par exemple 2026-01-31T09:30:00Z)."),
        )
    elif valid_from and valid_from > now:
        verdict.dates_ok, verdict.dates_reason = False, _("Ce titre n'est pas encore valable.")
    elif valid_until and valid_until < now:
        verdict.dates_ok, verdict.dates_reason = False, _("Ce titre a expiré.")
    return verdict


def _parse(value):
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _naive(value) -> bool:
    return value is not None and timezone.is_naive(value)


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _house_status(document: dict) -> str:
    """A registered house's credential: its status list, fetched like its DID document and signed by the house."""
    status = document.get("credentialStatus")
    if not isinstance(status, dict) or status.get("type") != "BitstringStatusListEntry":
        return "valide"  # no status: nothing to revoke it by
    try:
        index = int(status.get("statusListIndex"))
    except (TypeError, ValueError):
        return "inconnu"
    status_list = resolver.fetch_status_list(str(status.get("statusListCredential", "")), issuer_of(document))
    if status_list is None:
        return "inconnu"
    ok, _reason = ob3.verify(status_list, resolve_key)
    if not ok or issuer_of(status_list) != issuer_of(document) or not _signers(status_list) <= {issuer_of(document)}:
        return "inconnu"
    try:
        return "révoqué" if ob3.is_revoked(status_list["credentialSubject"]["encodedList"], index) else "valide"
    except (KeyError, TypeError, ValueError):
        return "inconnu"
