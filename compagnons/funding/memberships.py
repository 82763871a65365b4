"""Annual membership of the association: recorded by the team when the fee is received (the amount per category
comes from settings.MEMBERSHIP_FEES), with a receipt PDF built in the worker. Membership opens nothing and closes
nothing: no page or service of the platform asks for it (the mission bank stays open and solidary)."""

from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compagnons.accounts.models import User
from compagnons.core import audit, files
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.permissions import is_team
from compagnons.funding.models import Membership


def fees() -> dict[str, int]:
    return dict(settings.MEMBERSHIP_FEES)


@transaction.atomic
def record_membership(
    member: User, *, by: User, category: str, year: int | None = None, paid_on: date | None = None, reference: str = ""
) -> Membership:
    if not is_team(by):
        raise PermissionRefused(_("Seule l'équipe enregistre les adhésions."))
    if category not in fees():
        raise ValueError(_("Choisissez une catégorie d'adhésion."))
    today = timezone.localdate()
    paid_on = paid_on or today
    year = year or paid_on.year
    if paid_on > today:
        raise ValueError(_("Une cotisation ne se reçoit pas dans le futur."))
    if year not in (today.year - 1, today.year, today.year + 1):
        raise ValueError(_("Une adhésion vaut pour l'année passée, en cours ou à venir."))
    if Membership.objects.filter(member=member, year=year).exists():
        raise InvalidTransition(
            _("%(name)s est déjà adhérent·e pour %(year)s.") % {"name": member.display_name, "year": year}
        )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                member=member,
                year=year,
                category=category,
                amount_cents=fees()[category],
                paid_on=paid_on,
                reference=reference.strip(),
                member_name=member.get_full_name() or member.email,
                recorded_by=by,
            )
    except IntegrityError:  # the same membership recorded at the same moment from another tab
        raise InvalidTransition(
            _("%(name)s est déjà adhérent·e pour %(year)s.") % {"name": member.display_name, "year": year}
        ) from None
    audit.log(by, "membership.recorded", membership, year=year, category=category)
    transaction.on_commit(lambda: build_membership_receipt.enqueue(membership.pk))
    return membership


def make_receipt(membership: Membership, progress) -> tuple[str, bytes]:
    from compagnons.core.pdf import render_pdf

    with translation.override("fr"):
        content = render_pdf(
            "funding/membership_receipt_pdf.html",
            {
                "membership": membership,
                "issuer": {
                    "name": settings.INVOICE_ISSUER_NAME,
                    "address": settings.INVOICE_ISSUER_ADDRESS,
                    "postcode": settings.INVOICE_ISSUER_POSTCODE,
                    "city": settings.INVOICE_ISSUER_CITY,
                    "siret": settings.INVOICE_ISSUER_SIRET,
                },
            },
        )
    return f"recu-adhesion-{membership.receipt_number}.pdf", content


@task
def build_membership_receipt(membership_id: int) -> bool:
    return files.build(Membership, membership_id, make_receipt)
