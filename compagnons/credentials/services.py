"""Issue, sign and revoke Open Badges 3.0 credentials, and the keys that sign them; checking one is in
verification.py. Any domain may call `issue` with its evidence (a generic reference): this layer knows nothing of
juries."""

import logging
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.accounts.models import User
from compagnons.core import audit
from compagnons.core.exceptions import InvalidTransition, PermissionRefused, Refused
from compagnons.credentials import ob3, permissions
from compagnons.credentials.models import House, IssuedCredential, SigningKey

ISSUER_NAME = "Association des compagnons du télétravail"
ENDORSEMENT = "Endorsement"  #: IssuedCredential.achievement_type of an EndorsementCredential
logger = logging.getLogger(__name__)


class SigningKeyMissing(Refused):
    """The private half of a signing key cannot be read (the file lost, a restore without the keys): nothing is
    signed; the team is told what to do, a visitor gets a 503, never a trace."""


def url(name: str, *args) -> str:
    return f"{settings.SITE_URL}{reverse(name, args=args)}"


def issuer_base() -> str:
    """`CREDENTIALS_ISSUER_URL`, else `SITE_URL`, read at each call so that it follows the port `make run` serves
    on. Must be a bare origin (scheme, host, port): the DID document is served at its /.well-known/did.json."""
    return (settings.CREDENTIALS_ISSUER_URL or settings.SITE_URL).rstrip("/")


def issuer_id() -> str:
    """The credentials' issuer: the ONE place it is built (its keys' ids follow it). A did:web
    (`did:web:compagnons.fr`): any conformant verifier resolves its keys at /.well-known/did.json."""
    return ob3.did_web(issuer_base())


def legacy_issuer_id() -> str:
    """The issuer of the credentials issued before the did:web (`<base>/verifier/emetteur`): their keys stay
    resolvable there, and here (verification.resolve_key)."""
    return f"{issuer_base()}{reverse('credentials:issuer')}"


def page_url(credential: IssuedCredential) -> str:
    """The public page of a credential, as links and QR codes give it (the credential's `id` when issued)."""
    return url("credentials:verify", credential.uuid)


def verification_method(key: SigningKey) -> str:
    return f"{issuer_id()}#{key.kid}"


def status_list_url() -> str:
    return url("credentials:status_list")


# --- Keys -------------------------------------------------------------------------------------


def _key_dir() -> Path:
    path = Path(settings.CREDENTIALS_KEY_DIR)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


@transaction.atomic
def rotate_key(*, by: User | None = None) -> SigningKey:
    """A new signing key; the previous one is retired but stays published, so what it signed still verifies."""
    SigningKey.objects.select_for_update(of=("self",)).filter(active=True).update(
        active=False, retired_at=timezone.now()
    )
    private = ob3.generate_key()
    kid = f"cle-{timezone.now():%Y%m%d%H%M%S}-{secrets.token_hex(3)}"
    path = _key_dir() / f"{kid}.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(ob3.private_key_to_pem(private))
    key = SigningKey.objects.create(
        kid=kid, public_multibase=ob3.public_multibase(private.public_key()), private_key_file=path.name
    )
    audit.log(by, "credentials.key_rotated", key)
    return key


def active_key() -> SigningKey:
    return SigningKey.objects.filter(active=True).first() or rotate_key()


def _private_key(key: SigningKey):
    try:
        return ob3.load_private_key(_key_dir() / key.private_key_file)
    except OSError as error:
        logger.error("The private signing key %s cannot be read: %s", key.kid, error.strerror)
        raise SigningKeyMissing(
            _(
                "La clé de signature des titres (%(kid)s) est introuvable sur le serveur : aucun titre n'a été signé "
                "et rien n'a été enregistré. Faites restaurer le dossier des clés depuis la dernière sauvegarde "
                "(docs/operations.md), puis recommencez."
            )
            % {"kid": key.kid}
        ) from None


def _methods(controller: str) -> list[dict]:
    return [
        {
            "id": f"{controller}#{k.kid}",
            "type": "Multikey",
            "controller": controller,
            "publicKeyMultibase": k.public_multibase,
        }
        for k in SigningKey.objects.order_by("created_at")
    ]


def issuer_profile() -> dict:
    """The Open Badges issuer profile at its former address: what the credentials issued before the did:web name
    as their issuer and key controller. Every key, active or retired."""
    methods = _methods(legacy_issuer_id())
    return {
        "@context": [ob3.CREDENTIALS_V2_CONTEXT, ob3.OB_CONTEXT, ob3.MULTIKEY_V1_CONTEXT],
        "id": legacy_issuer_id(),
        "type": ["Profile"],
        "name": ISSUER_NAME,
        "url": settings.SITE_URL,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def did_document() -> dict:
    """The issuer's DID document (W3C DID Core 1.0), served at /.well-known/did.json: every public key, active or
    retired, as a Multikey verification method allowed to assert (retired keys stop signing, not verifying)."""
    did = issuer_id()
    methods = _methods(did)
    return {
        "@context": [ob3.DID_V1_CONTEXT, ob3.MULTIKEY_V1_CONTEXT],
        "id": did,
        "alsoKnownAs": [legacy_issuer_id()],
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


# --- Issuing ----------------------------------------------------------------------------------


@transaction.atomic
def issue(
    *,
    member: User,
    achievement_type: str,
    achievement_key: str,
    name: str,
    description: str,
    criteria: str,
    alignments: list[dict],
    evidence: Model,
    evidence_url: str,
    evidence_name: str,
) -> IssuedCredential:
    """Build, sign and store one OpenBadgeCredential; it must validate against the official schema."""
    evidence_type = ContentType.objects.get_for_model(evidence)
    existing = IssuedCredential.objects.filter(
        evidence_type=evidence_type, evidence_id=evidence.pk, member=member, achievement_key=achievement_key
    ).first()
    if existing:
        return existing
    key = active_key()
    # Serialise issuance on the signing key's row: status list indexes are allocated one at a time.
    SigningKey.objects.select_for_update(of=("self",)).filter(pk=key.pk).first()
    last = IssuedCredential.objects.aggregate(m=Max("status_index"))["m"]
    index = 0 if last is None else last + 1
    credential = IssuedCredential(
        member=member,
        achievement_type=achievement_type,
        achievement_key=achievement_key,
        name=name,
        status_index=index,
        evidence_type=evidence_type,
        evidence_id=evidence.pk,
        document={},
    )
    now = timezone.now()
    unsigned = ob3.build_credential(
        credential_id=page_url(credential),
        issuer_id=issuer_id(),
        issuer_name=ISSUER_NAME,
        issuer_url=settings.SITE_URL,
        valid_from=now,
        name=name,
        achievement_id=f"{settings.SITE_URL}/referentiel/#{achievement_key}",
        achievement_name=name,
        achievement_description=description or name,
        criteria_narrative=criteria or name,
        salt=secrets.token_hex(8),
        recipient_email=member.email,
        achievement_type=achievement_type,
        alignments=[
            ob3.Alignment(
                target_name=a["name"],
                target_url=a["url"] or settings.SITE_URL,
                target_code=a.get("code"),
                target_framework=a.get("framework"),
            )
            for a in alignments
        ],
        evidence=[ob3.Evidence(id=evidence_url, name=evidence_name)],
        status_list_credential=status_list_url(),
        status_list_index=index,
    )
    signed = ob3.sign(unsigned, _private_key(key), verification_method(key), now)
    errors = ob3.validate_schema(signed)
    if errors:
        raise InvalidTransition(
            _("Le titre ne respecte pas le schéma Open Badges 3.0 : %(e)s") % {"e": "; ".join(errors)}
        )
    credential.document = signed
    try:
        with transaction.atomic():
            credential.save()
    except IntegrityError:
        return IssuedCredential.objects.get(
            evidence_type=evidence_type, evidence_id=evidence.pk, member=member, achievement_key=achievement_key
        )
    audit.log(None, "credentials.issued", credential, type=achievement_type)
    return credential


@transaction.atomic
def issue_endorsement(
    *,
    member: User,
    key: str,
    name: str,
    subject_id: str,
    comment: str,
    evidence: Model,
    evidence_url: str,
    evidence_name: str,
    evidence_description: str = "",
) -> IssuedCredential:
    """Build, sign and store one EndorsementCredential: the platform vouches, on behalf of whom `comment` names, for
    `subject_id`. Once per evidence and key (a second call returns the first); revocable like the titles."""
    evidence_type = ContentType.objects.get_for_model(evidence)
    lookup = {"evidence_type": evidence_type, "evidence_id": evidence.pk, "member": member, "achievement_key": key}
    existing = IssuedCredential.objects.filter(**lookup).first()
    if existing:
        return existing
    signing_key = active_key()
    SigningKey.objects.select_for_update(of=("self",)).filter(pk=signing_key.pk).first()
    last = IssuedCredential.objects.aggregate(m=Max("status_index"))["m"]
    index = 0 if last is None else last + 1
    credential = IssuedCredential(
        member=member,
        achievement_type=ENDORSEMENT,
        achievement_key=key,
        name=name,
        status_index=index,
        evidence_type=evidence_type,
        evidence_id=evidence.pk,
        document={},
    )
    now = timezone.now()
    unsigned = ob3.build_endorsement(
        credential_id=page_url(credential),
        issuer_id=issuer_id(),
        issuer_name=ISSUER_NAME,
        issuer_url=settings.SITE_URL,
        valid_from=now,
        name=name,
        subject_id=subject_id,
        comment=comment,
        evidence=[ob3.Evidence(id=evidence_url, name=evidence_name, description=evidence_description or None)],
        status_list_credential=status_list_url(),
        status_list_index=index,
    )
    signed = ob3.sign(unsigned, _private_key(signing_key), verification_method(signing_key), now)
    errors = ob3.validate_endorsement(signed)
    if errors:
        raise InvalidTransition(_("La recommandation est incomplète : %(e)s") % {"e": "; ".join(errors)})
    credential.document = signed
    try:
        with transaction.atomic():
            credential.save()
    except IntegrityError:
        return IssuedCredential.objects.get(**lookup)
    audit.log(member, "credentials.endorsement_issued", credential)
    return credential


def _rebased(value, old: str, new: str):
    """`value` with every string at the address `old` (a site's base URL) moved to `new`."""
    if isinstance(value, dict):
        return {k: _rebased(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_rebased(v, old, new) for v in value]
    if isinstance(value, str) and (value == old or value.startswith((old + "/", old + "#"))):
        return new + value[len(old) :]
    return value


def _issuer_of(document: dict) -> str:
    issuer = document.get("issuer")
    return str(issuer.get("id", "")) if isinstance(issuer, dict) else str(issuer or "")


@transaction.atomic
def reissue_foreign_credentials(*, by: User | None) -> int:
    """Development only: re-sign with the current key and issuer every credential another issuer signed (the demo
    seeded under another port or SITE_URL, whose proofs name a key nobody here publishes). A credential keeps its
    uuid (its page's address), status index, recipient hash, `validFrom` and revocation; the previous site's
    addresses inside it move to the current SITE_URL. Returns how many were re-signed."""
    if not settings.DEBUG:
        raise PermissionRefused(_("Seul le développement réémet les titres d'un autre émetteur."))
    current = issuer_id()
    foreign = [
        c
        for c in IssuedCredential.objects.select_for_update(of=("self",)).order_by("pk")
        if _issuer_of(c.document) not in (current, legacy_issuer_id())
    ]
    if not foreign:
        return 0
    key = active_key()
    private = _private_key(key)
    for credential in foreign:
        document = {k: v for k, v in credential.document.items() if k != "proof"}
        suffix = reverse("credentials:verify", args=[credential.uuid])
        previous_site = str(document.get("id", "")).removesuffix(suffix)
        if previous_site != document.get("id"):
            document = _rebased(document, previous_site, settings.SITE_URL)
        document["id"] = page_url(credential)
        document["issuer"] = {**document.get("issuer", {}), "id": current}
        if "credentialStatus" in document:
            document["credentialStatus"] = {
                **document["credentialStatus"],
                "id": f"{status_list_url()}#{credential.status_index}",
                "statusListCredential": status_list_url(),
            }
        signed = ob3.sign(document, private, verification_method(key), timezone.now())
        errors = ob3.validate_endorsement(signed) if ob3.is_endorsement(signed) else ob3.validate_schema(signed)
        if errors:
            raise InvalidTransition(
                _("Le titre ne respecte pas le schéma Open Badges 3.0 : %(e)s") % {"e": "; ".join(errors)}
            )
        credential.document = signed
        credential.save(update_fields=["document"])
        audit.log(by, "credentials.reissued", credential, kid=key.kid)
    return len(foreign)


@transaction.atomic
def revoke(credential: IssuedCredential, *, by: User, reason: str) -> IssuedCredential:
    if not permissions.can_revoke(by):
        raise PermissionRefused(_("Seule l'équipe révoque un titre."))
    if not reason.strip():
        raise InvalidTransition(_("Indiquez le motif de la révocation."))
    credential = IssuedCredential.objects.select_for_update(of=("self",)).get(pk=credential.pk)
    if credential.revoked_at:
        raise InvalidTransition(_("Ce titre est déjà révoqué."))
    credential.revoked_at = timezone.now()
    credential.revoke_reason = reason.strip()
    credential.revoked_by = by
    credential.save(update_fields=["revoked_at", "revoke_reason", "revoked_by"])
    audit.log(by, "credentials.revoked", credential)
    return credential


def status_list_credential() -> dict:
    """The signed BitstringStatusListCredential; cached until a credential is issued or revoked."""
    state = IssuedCredential.objects.aggregate(n=Count("pk"), revoked=Count("revoked_at"), top=Max("status_index"))
    # the addresses are in the key too: served on another port, the list names another issuer
    cache_key = (
        f"credentials:status-list:{state['n']}:{state['revoked']}:{state['top']}:{issuer_id()}:{status_list_url()}"
    )
    cached = cache.get(cache_key)
    if cached is not None:
        return cached
    signed = _sign_status_list()
    cache.set(cache_key, signed, 3600)
    return signed


def _sign_status_list() -> dict:
    revoked = IssuedCredential.objects.filter(revoked_at__isnull=False).values_list("status_index", flat=True)
    size = max(ob3.STATUS_LIST_MIN_SIZE, (IssuedCredential.objects.aggregate(m=Max("status_index"))["m"] or 0) + 1)
    unsigned = ob3.build_status_list_credential(
        credential_id=status_list_url(),
        issuer_id=issuer_id(),
        valid_from=timezone.now(),
        encoded_list=ob3.bitstring_status_list(set(revoked), size=size),
    )
    key = active_key()
    return ob3.sign(unsigned, _private_key(key), verification_method(key), timezone.now())


# --- Houses (other instances of the platform) ------------------------------------------------------------------


@transaction.atomic
def register_house(*, did: str, name: str, by: User) -> House:
    """The team registers another house by its did:web: its credentials then verify here (keys read from its DID
    document, even on a private network) and show as coming from it."""
    if not permissions.can_manage_houses(by):
        raise PermissionRefused(_("Seule l'équipe enregistre une maison."))
    did, name = did.strip(), name.strip()
    if not name:
        raise InvalidTransition(_("Indiquez le nom de la maison."))
    try:
        ob3.did_web_document_url(did)
    except ValueError:
        raise InvalidTransition(
            _("« %(did)s » n'est pas un identifiant did:web (par exemple did:web:compagnons-sud.fr).") % {"did": did}
        ) from None
    if did == issuer_id():
        raise InvalidTransition(_("C'est l'identifiant de cette maison-ci."))
    if House.objects.filter(did=did).exists():
        raise InvalidTransition(_("Cette maison est déjà enregistrée."))
    try:
        with transaction.atomic():
            house = House.objects.create(did=did, name=name, registered_by=by)
    except IntegrityError:
        raise InvalidTransition(_("Cette maison est déjà enregistrée.")) from None
    audit.log(by, "credentials.house_registered", house)
    return house


@transaction.atomic
def remove_house(house: House, *, by: User) -> None:
    if not permissions.can_manage_houses(by):
        raise PermissionRefused(_("Seule l'équipe retire une maison."))
    if house.credentials.exists() or house.endorsements.exists():
        raise InvalidTransition(
            _(
                "Des membres ont ajouté des titres ou des recommandations de cette maison : elle reste enregistrée "
                "pour qu'ils se vérifient."
            )
        )
    audit.log(by, "credentials.house_removed", house)
    house.delete()
