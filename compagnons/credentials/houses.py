"""Writes: a member adds a credential another registered house issued them (services.py holds the house register
itself; this needs the verifier, which reads services)."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from compagnons.accounts.models import User
from compagnons.core import audit
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.credentials import ob3, services, verification
from compagnons.credentials.models import HouseCredential, HouseEndorsement, IssuedCredential


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


def _house_verdict(document: dict, *, endorsement: bool = False) -> verification.Verdict:
    """The verdict of a document a member adds: it verifies, now, and a registered house signed it; else why not."""
    verdict = verification.check(document)
    if verdict.refusal:
        raise InvalidTransition(verdict.refusal)
    if verdict.house is None:
        raise InvalidTransition(
            _(
                "Cette recommandation n'a pas été émise par une maison reconnue ici : seules celles des maisons "
                "enregistrées s'ajoutent."
            )
            if endorsement
            else _(
                "Ce titre n'a pas été émis par une maison reconnue ici : seuls ceux des maisons enregistrées "
                "s'ajoutent."
            )
        )
    if verdict.schema_errors:
        errors = "; ".join(verdict.schema_errors)
        raise InvalidTransition(
            _("Cette recommandation est incomplète : %(e)s") % {"e": errors}
            if endorsement
            else _("Ce titre est incomplet : %(e)s") % {"e": errors}
        )
    if not verdict.signature_ok or not verdict.issuer_bound:
        reason = verdict.signature_reason
        raise InvalidTransition(
            _("Cette recommandation ne se vérifie pas : %(r)s") % {"r": reason}
            if endorsement
            else _("Ce titre ne se vérifie pas : %(r)s") % {"r": reason}
        )
    if not verdict.ok:
        values = {"s": verdict.status, "d": verdict.dates_reason}
        raise InvalidTransition(
            _("Cette recommandation n'est pas valide aujourd'hui (statut : %(s)s). %(d)s") % values
            if endorsement
            else _("Ce titre n'est pas valide aujourd'hui (statut : %(s)s). %(d)s") % values
        )
    return verdict


@transaction.atomic
def add_house_credential(*, member: User, document: dict) -> HouseCredential:
    if ob3.is_endorsement(document):
        raise InvalidTransition(
            _("C'est une recommandation, pas un titre : ajoutez-la avec « Ajouter cette recommandation ».")
        )
    verdict = _house_verdict(document)
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


def _endorsed_title(member: User, subject_id: str) -> IssuedCredential | HouseCredential | None:
    """The member's title whose id is `subject_id`: one we issued them (its id, or its page under today's address),
    else a registered house's title they added. Someone else's title is not theirs: None."""
    uid = subject_id.rstrip("/").rsplit("/", 1)[-1]
    if "/verifier/" in subject_id and verification.is_uuid(uid):
        ours = IssuedCredential.objects.filter(uuid=uid, member=member).first()
        if ours is not None and subject_id in (ours.document.get("id"), services.page_url(ours)):
            return ours
    return HouseCredential.objects.filter(member=member, credential_id=subject_id).first()


@transaction.atomic
def add_house_endorsement(*, member: User, document: dict) -> HouseEndorsement:
    """A member adds an EndorsementCredential a registered house signed. Nothing in an EndorsementSubject names a
    person (an id and a comment): it is theirs only when what it endorses is provably theirs — one of their titles
    issued here, or a house's title they already added (bound to them by the hash of their e-mail)."""
    if not ob3.is_endorsement(document):
        raise InvalidTransition(
            _("Ce n'est pas une recommandation (EndorsementCredential) : un titre s'ajoute avec « Ajouter ce titre ».")
        )
    verdict = _house_verdict(document, endorsement=True)
    subject = document.get("credentialSubject")
    subject_id = str(subject.get("id", "")) if isinstance(subject, dict) else ""
    title = _endorsed_title(member, subject_id)
    if title is None:
        raise InvalidTransition(
            _(
                "Cette recommandation ne porte sur aucun de vos titres : elle recommande « %(id)s », qui n'est ni un "
                "titre que l'association vous a délivré, ni un titre d'une autre maison que vous avez ajouté ici. "
                "Ajoutez d'abord ce titre."
            )
            % {"id": subject_id[:200]}
        )
    if isinstance(title, IssuedCredential) and title.is_revoked:
        raise InvalidTransition(_("Le titre que cette recommandation porte, « %(t)s », est révoqué.") % {"t": title})
    try:
        with transaction.atomic():
            endorsement = HouseEndorsement.objects.create(
                member=member,
                house=verdict.house,
                credential_id=str(document.get("id", ""))[:500],
                issued_credential=title if isinstance(title, IssuedCredential) else None,
                house_credential=title if isinstance(title, HouseCredential) else None,
                name=str(document.get("name", ""))[:300] or _("Recommandation sans intitulé"),
                comment=str(subject.get("endorsementComment", ""))[:5000],
                document=document,
            )
    except IntegrityError:
        raise InvalidTransition(_("Vous avez déjà ajouté cette recommandation.")) from None
    audit.log(member, "credentials.house_endorsement_added", endorsement, house=verdict.house.did)
    return endorsement


@transaction.atomic
def remove_house_credential(credential: HouseCredential, *, by: User) -> int:
    """The member takes a house's title off their mini-site (the house's own copy stays where it is). The
    recommendations of that title they added go with it (the foreign key cascades): without the title they
    recommend nothing on the mini-site. Returns how many went."""
    if credential.member_id != by.pk:
        raise PermissionRefused(_("Seul·e le ou la titulaire retire ce titre."))
    endorsements = credential.endorsements.count()
    audit.log(
        by, "credentials.house_credential_removed", credential, house=credential.house.did, endorsements=endorsements
    )
    credential.delete()
    return endorsements


@transaction.atomic
def remove_house_endorsement(endorsement: HouseEndorsement, *, by: User) -> None:
    """The member takes a house's endorsement off their mini-site (the house's own copy stays where it is)."""
    if endorsement.member_id != by.pk:
        raise PermissionRefused(_("Seul·e le ou la titulaire retire cette recommandation."))
    audit.log(by, "credentials.house_endorsement_removed", endorsement, house=endorsement.house.did)
    endorsement.delete()
