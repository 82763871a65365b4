"""Writes: a member adds a credential another registered house issued them (services.py holds the house register
itself; this needs the verifier, which reads services)."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from compagnons.accounts.models import User
from compagnons.core import audit
from compagnons.core.exceptions import InvalidTransition
from compagnons.credentials import ob3, verification
from compagnons.credentials.models import HouseCredential


def _recipient_is(document: dict, email: str) -> bool:
    """Whether the credential's subject carries the salted hash of `email` (OB 3.0 IdentityObject, emailAddress)."""
    subject = document.get("credentialSubject")
    identifiers = subject.get("identifier") if isinstance(subject, dict) else None
    for identity in identifiers if isinstance(identifiers, list) else []:
        if not isinstance(identity, dict) or identity.get("identityType") != "emailAddress":
            continue
        salt, expected = identity.get("salt"), identity.get("identityHash")
        hashed = identity.get("hashed") and isinstance(salt, str) and isinstance(expected, str)
        if hashed and ob3.hash_identity(email, salt) == expected:
            return True
    return False


@transaction.atomic
def add_house_credential(*, member: User, document: dict) -> HouseCredential:
    verdict = verification.check(document)
    if verdict.refusal:
        raise InvalidTransition(verdict.refusal)
    if verdict.house is None:
        raise InvalidTransition(
            _("Ce titre n'a pas été émis par une maison reconnue ici : seuls ceux des maisons enregistrées s'ajoutent.")
        )
    if not verdict.signature_ok or not verdict.issuer_bound:
        raise InvalidTransition(_("Ce titre ne se vérifie pas : %(r)s") % {"r": verdict.signature_reason})
    if not verdict.ok:
        raise InvalidTransition(
            _("Ce titre n'est pas valide aujourd'hui (statut : %(s)s). %(d)s")
            % {"s": verdict.status, "d": verdict.dates_reason}
        )
    if not _recipient_is(document, member.email):
        raise InvalidTransition(
            _("Ce titre n'est pas à votre nom : il ne porte pas l'empreinte de votre adresse e-mail.")
        )
    try:
        with transaction.atomic():
            credential = HouseCredential.objects.create(
                member=member,
                house=verdict.house,
                credential_id=str(document.get("id", ""))[:500],
                name=str(document.get("name", ""))[:300] or _("Titre sans intitulé"),
                document=document,
            )
    except IntegrityError:
        raise InvalidTransition(_("Vous avez déjà ajouté ce titre.")) from None
    audit.log(member, "credentials.house_credential_added", credential, house=verdict.house.did)
    return credential
