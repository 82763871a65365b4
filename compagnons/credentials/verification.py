"""Reads: check any Open Badges 3.0 credential — ours or not — and say in plain French what holds: the verifier's
bounds, the official schema, the signature (against our published keys, active or retired), the status (revoked or
not) and the dates. Nothing here writes."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.credentials import ob3
from compagnons.credentials.models import IssuedCredential, SigningKey
from compagnons.credentials.services import issuer_id


def resolve_key(method: str):
    """Public key of one of our verification methods (active or retired), else None."""
    if not method.startswith(issuer_id() + "#"):
        return None
    key = SigningKey.objects.filter(kid=method.split("#", 1)[1]).first()
    return ob3.public_key_from_multibase(key.public_multibase) if key else None


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

    @property
    def ok(self) -> bool:
        return (
            not self.refusal
            and not self.schema_errors
            and self.signature_ok
            and self.status == "valide"
            and self.dates_ok
        )


def check(document: dict) -> Verdict:
    refusal = ob3.check_bounds(document)
    if refusal:
        # before the schema and the signature: JSON-LD canonicalization must never see such a document
        return Verdict(refusal=refusal, signature_reason=refusal, dates_ok=False)
    verdict = Verdict(schema_errors=ob3.validate_schema(document))
    verdict.signature_ok, verdict.signature_reason = ob3.verify(document, resolve_key)
    # Ours if its id is the id of a credential we issued, whatever host name it was issued under.
    credential_id = str(document.get("id", ""))
    uid = credential_id.rstrip("/").rsplit("/", 1)[-1]
    if "/verifier/" in credential_id and is_uuid(uid):
        found = IssuedCredential.objects.filter(uuid=uid).first()
        verdict.credential = found if found and found.document.get("id") == credential_id else None
    if verdict.credential is not None:
        verdict.status = "révoqué" if verdict.credential.is_revoked else "valide"
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
