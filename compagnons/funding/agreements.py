"""Training agreements: a convention de formation (an employer or a funder buys the training) or a contrat de
formation (the person pays themself), with the mentions the Code du travail requires (docs/funding.md).

- Established by a team member with its mentions frozen; never edited afterwards: a change makes an avenant (a new
  agreement that `amends` the signed one, which stays as it was signed).
- Signed on the platform by both parties: the organisation (a team member) and the party's account (the person for
  a contrat, the employer's or funder's account if they have one). Each signature is an authenticated, timestamped
  acceptance written in the audit log. A party without an account signs the PDF outside; staff upload the signed
  copy (type read from the content, size bounded, private storage).
- Once both have signed, the PDF is rendered once more with both signatures and kept (`signed_pdf`, SHA-256).
- A contrat: 10 days to withdraw from the signature (L6353-5); nothing may be asked before, and the first payment
  is at most 30 % of the price (L6353-6)."""

import hashlib
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.apprenticeship.models import Enrollment, Mentorship
from compagnons.core import audit
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.money import euros
from compagnons.core.pdf import render_pdf
from compagnons.core.permissions import is_team
from compagnons.core.uploads import check_upload
from compagnons.funding.models import AgreementKind, AgreementStatus, PartyKind, TrainingAgreement

WITHDRAWAL_DAYS = 10  # Code du travail, L6353-5
FIRST_PAYMENT_CAP = Decimal("0.30")  # Code du travail, L6353-6
SIGNED_COPY_TYPES = {"application/pdf", "image/png", "image/jpeg"}
CONTENT_FIELDS = (
    "kind",
    "party_kind",
    "party_name",
    "party_address",
    "party_siret",
    "party_user",
    "title",
    "objective",
    "programme",
    "prerequisites",
    "starts_on",
    "ends_on",
    "hours",
    "means",
    "mentor_name",
    "trainers",
    "assessment",
    "price",
    "payment_terms",
    "first_payment",
)


def _team(by) -> None:
    if not is_team(by):
        raise PermissionRefused(_("Seule l'équipe établit les conventions et les contrats."))


def _decimal(value, label: str, *, optional: bool = False) -> Decimal | None:
    if value in (None, "") and optional:
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidTransition(_("%(label)s : indiquez un montant en euros.") % {"label": label}) from None
    if amount <= 0:
        raise InvalidTransition(
            _("%(label)s : le montant doit être supérieur à zéro (un montant nul ou négatif est refusé).")
            % {"label": label}
        )
    return amount


def programme_of(enrollment: Enrollment) -> str:
    """The programme, linked to the référentiel: the certification's blocs (or compétences for an RS title)."""
    certification = enrollment.cohort.certification
    blocks = list(certification.blocks.order_by("position", "pk"))
    if blocks:
        return "\n".join(f"{b.code} — {b.label}" for b in blocks)
    return "\n".join(f"{c.code} — {c.label}" for c in certification.competences.order_by("position", "pk"))


def mentor_of(enrollment: Enrollment) -> str:
    mentorship = (
        Mentorship.objects.filter(apprentice_id=enrollment.member_id, ended_at__isnull=True)
        .select_related("mentor")
        .first()
    )
    return mentorship.mentor.display_name if mentorship else ""


def _check(enrollment: Enrollment, data: dict) -> dict:
    kind, party_kind = data.get("kind"), data.get("party_kind")
    if kind not in AgreementKind.values or party_kind not in PartyKind.values:
        raise InvalidTransition(_("Choisissez la nature du document et le cocontractant."))
    if kind == AgreementKind.CONTRACT and party_kind != PartyKind.PERSON:
        raise InvalidTransition(
            _(
                "Un contrat de formation se conclut avec la personne qui paie elle-même ; avec un employeur ou un "
                "financeur, établissez une convention."
            )
        )
    if kind == AgreementKind.CONVENTION and party_kind == PartyKind.PERSON:
        raise InvalidTransition(_("La personne qui paie elle-même signe un contrat de formation, pas une convention."))
    if party_kind == PartyKind.PERSON:
        data["party_user"] = enrollment.member
        data["party_name"] = data.get("party_name") or enrollment.member.display_name
    if not (data.get("party_name") or "").strip():
        raise InvalidTransition(_("Indiquez la raison sociale du cocontractant."))
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if not isinstance(starts_on, date) or not isinstance(ends_on, date):
        raise InvalidTransition(_("Indiquez les dates de début et de fin."))
    if ends_on < starts_on:
        raise InvalidTransition(_("La fin ne peut pas précéder le début."))
    cohort = enrollment.cohort
    if starts_on < cohort.starts_on or ends_on > cohort.ends_on:
        raise InvalidTransition(
            _("Les dates doivent rester dans celles de la promotion, du %(start)s au %(end)s.")
            % {"start": cohort.starts_on.strftime("%d/%m/%Y"), "end": cohort.ends_on.strftime("%d/%m/%Y")}
        )
    try:
        hours = int(data.get("hours") or 0)
    except (TypeError, ValueError):
        hours = 0
    if hours <= 0:
        raise InvalidTransition(_("Indiquez la durée en heures (un nombre supérieur à zéro)."))
    data["hours"] = hours
    data["price"] = _decimal(data.get("price"), _("Prix"))
    data["first_payment"] = _decimal(data.get("first_payment"), _("Premier versement"), optional=True)
    if kind == AgreementKind.CONTRACT:
        cap = (data["price"] * FIRST_PAYMENT_CAP).quantize(Decimal("0.01"))
        if data["first_payment"] is None:
            raise InvalidTransition(
                _("Indiquez le premier versement d'un contrat (au plus 30 %% du prix, soit %(cap)s).")
                % {"cap": euros(int(cap * 100))}
            )
        if data["first_payment"] > cap:
            raise InvalidTransition(
                _(
                    "Le premier versement d'un contrat ne peut dépasser 30 %% du prix (%(cap)s), payé après le délai "
                    "de rétractation de 10 jours (Code du travail, L6353-6)."
                )
                % {"cap": euros(int(cap * 100))}
            )
    elif data["first_payment"] is not None and data["first_payment"] > data["price"]:
        raise InvalidTransition(_("Le premier versement ne peut dépasser le prix."))
    for key in ("objective", "means", "payment_terms"):
        if not (data.get(key) or "").strip():
            raise InvalidTransition(
                _("Complétez l'objectif, les moyens et les modalités de paiement : ce sont des mentions obligatoires.")
            )
    data["withdrawal_days"] = WITHDRAWAL_DAYS if kind == AgreementKind.CONTRACT else 0
    return data


def _numbered(agreement: TrainingAgreement, number: str) -> TrainingAgreement:
    agreement.number = number
    agreement.save(update_fields=["number"])
    return agreement


@transaction.atomic
def create_agreement(enrollment: Enrollment, *, by, **fields) -> TrainingAgreement:
    _team(by)
    if enrollment.status == Enrollment.Status.REQUESTED:
        raise InvalidTransition(_("Cette personne n'est pas encore inscrite : acceptez d'abord son inscription."))
    data = {k: v for k, v in fields.items() if k in CONTENT_FIELDS}
    data.setdefault("title", enrollment.cohort.certification.name)
    data.setdefault("programme", programme_of(enrollment))
    data.setdefault("mentor_name", mentor_of(enrollment))
    data = _check(enrollment, data)
    agreement = TrainingAgreement.objects.create(
        enrollment=enrollment, number=f"tmp-{timezone.now().timestamp()}", created_by=by, **data
    )
    prefix = "CF" if agreement.kind == AgreementKind.CONVENTION else "CT"
    _numbered(agreement, f"{prefix}-{timezone.localdate().year}-{agreement.pk:05d}")
    audit.log(by, "funding.agreement_created", agreement, enrollment=enrollment.pk, kind=agreement.kind)
    return agreement


@transaction.atomic
def amend_agreement(agreement: TrainingAgreement, *, by, **changes) -> TrainingAgreement:
    """An avenant: a new agreement with the changes, amending the signed one (which is never touched)."""
    _team(by)
    original = TrainingAgreement.objects.select_for_update(of=("self",)).get(pk=agreement.pk)
    if original.status != AgreementStatus.SIGNED:
        raise InvalidTransition(
            _(
                "Seul un document signé reçoit un avenant ; tant qu'il n'est pas signé, annulez-le et "
                "établissez-en un autre."
            )
        )
    if original.amendments.exists():
        raise InvalidTransition(_("Ce document a déjà un avenant : c'est à lui que s'ajoute le suivant."))
    data = {key: getattr(original, key) for key in CONTENT_FIELDS}
    data.update({k: v for k, v in changes.items() if k in CONTENT_FIELDS and k not in ("kind", "party_kind")})
    if all(data[k] == getattr(original, k) for k in CONTENT_FIELDS):
        raise InvalidTransition(_("Rien ne change : un avenant modifie au moins une mention."))
    enrollment = original.enrollment
    data = _check(enrollment, data)
    root = original
    count = 1
    while root.amends_id:
        root = root.amends
        count += 1
    amendment = TrainingAgreement.objects.create(
        enrollment=enrollment,
        amends=original,
        number=f"{root.number}-A{count}",
        created_by=by,
        **data,
    )
    audit.log(by, "funding.agreement_amended", amendment, amends=original.pk, changed=sorted(changes))
    return amendment


@transaction.atomic
def cancel_agreement(agreement: TrainingAgreement, *, by) -> TrainingAgreement:
    _team(by)
    agreement = TrainingAgreement.objects.select_for_update(of=("self",)).get(pk=agreement.pk)
    if agreement.status != AgreementStatus.AWAITING:
        raise InvalidTransition(_("Un document signé ne s'annule pas : établissez un avenant."))
    TrainingAgreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.CANCELLED)
    agreement.status = AgreementStatus.CANCELLED
    audit.log(by, "funding.agreement_cancelled", agreement)
    return agreement


def _locked_awaiting(agreement: TrainingAgreement) -> TrainingAgreement:
    agreement = TrainingAgreement.objects.select_for_update(of=("self",)).get(pk=agreement.pk)
    if agreement.status != AgreementStatus.AWAITING:
        raise InvalidTransition(_("Ce document n'attend plus de signature."))
    return agreement


@transaction.atomic
def sign_for_organisation(agreement: TrainingAgreement, *, by, ip: str | None = None) -> TrainingAgreement:
    _team(by)
    agreement = _locked_awaiting(agreement)
    if agreement.org_signed_at:
        raise InvalidTransition(_("L'organisme a déjà signé ce document."))
    now = timezone.now()
    TrainingAgreement.objects.filter(pk=agreement.pk).update(org_signed_at=now, org_signed_by=by)
    agreement.org_signed_at, agreement.org_signed_by = now, by
    audit.log(by, "funding.agreement_signed", agreement, side="organisation", at=now.isoformat(), ip=ip)
    return _complete(agreement)


@transaction.atomic
def sign_as_party(agreement: TrainingAgreement, *, by, ip: str | None = None) -> TrainingAgreement:
    agreement = _locked_awaiting(agreement)
    if agreement.party_user_id is None or agreement.party_user_id != by.pk:
        raise PermissionRefused(_("Seul le cocontractant signe ce document depuis son compte."))
    if agreement.party_signed_at:
        raise InvalidTransition(_("Vous avez déjà signé ce document."))
    now = timezone.now()
    TrainingAgreement.objects.filter(pk=agreement.pk).update(party_signed_at=now)
    agreement.party_signed_at = now
    audit.log(by, "funding.agreement_signed", agreement, side="party", at=now.isoformat(), ip=ip)
    return _complete(agreement)


@transaction.atomic
def upload_signed_copy(agreement: TrainingAgreement, upload, *, by) -> TrainingAgreement:
    """A party without an account signed the PDF outside: staff keep the signed copy as the party's signature."""
    _team(by)
    agreement = _locked_awaiting(agreement)
    if agreement.party_user_id is not None:
        raise InvalidTransition(_("Ce cocontractant a un compte : il signe sur la plateforme."))
    try:
        content_type = check_upload(upload)
    except ValidationError as error:
        raise InvalidTransition(" ".join(error.messages)) from None
    if content_type not in SIGNED_COPY_TYPES:
        raise InvalidTransition(_("Déposez la copie signée en PDF ou en image (PNG, JPEG)."))
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[content_type]
    upload.seek(0)
    agreement.signed_copy.save(f"{agreement.number}-copie-signee.{extension}", ContentFile(upload.read()), save=False)
    now = timezone.now()
    TrainingAgreement.objects.filter(pk=agreement.pk).update(
        signed_copy=agreement.signed_copy.name, signed_copy_type=content_type, party_signed_at=now
    )
    agreement.signed_copy_type, agreement.party_signed_at = content_type, now
    digest = hashlib.sha256(agreement.signed_copy.open("rb").read()).hexdigest()
    audit.log(by, "funding.agreement_signed_copy", agreement, side="party", at=now.isoformat(), sha256=digest)
    return _complete(agreement)


def _complete(agreement: TrainingAgreement) -> TrainingAgreement:
    """Both have signed: the PDF with both signatures is rendered once and kept; the agreement is signed."""
    if not (agreement.org_signed_at and agreement.party_signed_at):
        return agreement
    agreement.signed_at = max(agreement.org_signed_at, agreement.party_signed_at)
    agreement.status = AgreementStatus.SIGNED
    content = agreement_pdf(agreement)
    agreement.signed_pdf.save(f"{agreement.number}.pdf", ContentFile(content), save=False)
    TrainingAgreement.objects.filter(pk=agreement.pk).update(
        status=AgreementStatus.SIGNED,
        signed_at=agreement.signed_at,
        signed_pdf=agreement.signed_pdf.name,
        signed_sha256=hashlib.sha256(content).hexdigest(),
    )
    agreement.refresh_from_db()
    audit.log(None, "funding.agreement_completed", agreement, sha256=agreement.signed_sha256)
    return agreement


# --- Documents and access ---------------------------------------------------------------------


def organisation() -> dict:
    """The organisation on the agreements and certificates: the invoices' issuer (one identity), its déclaration
    d'activité number and its legal representative."""
    from django.conf import settings

    return {
        "name": settings.INVOICE_ISSUER_NAME,
        "address": ", ".join(
            (settings.INVOICE_ISSUER_ADDRESS, f"{settings.INVOICE_ISSUER_POSTCODE} {settings.INVOICE_ISSUER_CITY}")
        ),
        "siret": settings.INVOICE_ISSUER_SIRET,
        "nda": settings.INVOICE_ISSUER_TRAINING_NUMBER,
        "representative": settings.FUNDING_ORG_REPRESENTATIVE,
        "city": settings.INVOICE_ISSUER_CITY,
    }


def agreement_context(agreement: TrainingAgreement) -> dict:
    return {
        "a": agreement,
        "enrollment": agreement.enrollment,
        "member": agreement.enrollment.member,
        "org": organisation(),
        "cap": agreement.first_payment_cap,
        "draft": agreement.status != AgreementStatus.SIGNED,
        "generated_at": timezone.now(),
    }


def agreement_pdf(agreement: TrainingAgreement) -> bytes:
    return render_pdf("funding/agreement_pdf.html", agreement_context(agreement))


def can_see_agreement(user, agreement: TrainingAgreement) -> bool:
    """The team, the person trained, and the party's account."""
    return is_team(user) or user.pk in (agreement.enrollment.member_id, agreement.party_user_id)


def get_agreement_for_viewer(user, pk: int) -> TrainingAgreement:
    agreement = get_object_or_404(
        TrainingAgreement.objects.select_related("enrollment__member", "enrollment__cohort", "party_user", "amends"),
        pk=pk,
    )
    if not can_see_agreement(user, agreement):
        raise Http404
    return agreement


def agreements_of(user):
    """A member's own agreements: as the person trained or as the party who signs."""
    from django.db.models import Q

    return (
        TrainingAgreement.objects.filter(Q(enrollment__member=user) | Q(party_user=user))
        .exclude(status=AgreementStatus.CANCELLED)
        .select_related("enrollment__cohort")
        .order_by("-created_at", "-pk")
    )
