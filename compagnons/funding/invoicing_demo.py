"""Demo data of the invoices half (called from funding's demo.py): the past cohorts' training invoiced to a mix of
funders, employers and the people themselves, paid (some in two parts), one overdue and reminded, one credit note,
and two memberships. Idempotent: nothing is done once the first demo invoice exists."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from compagnons.apprenticeship.models import Enrollment
from compagnons.funding import invoicing, memberships, payments
from compagnons.funding.models import BuyerKind, Invoice, SourceKind

MARKER = "DEMO-FACT-01"
DEMO_MEMBERS = [
    "sylvie.garnier@demo.test",
    "apprenti@demo.test",
    "karim.haddad@demo.test",
    "nathalie.petit@demo.test",
    "thomas.roux@demo.test",
]
FUNDERS = [
    (BuyerKind.FUNDER, SourceKind.OPCO, "OPCO EP", "29 rue Jean-Jacques Rousseau", "75001", "Paris", "85174426100020"),
    (
        BuyerKind.FUNDER,
        SourceKind.FRANCE_TRAVAIL,
        "France Travail Bretagne",
        "36 rue de Léon",
        "35000",
        "Rennes",
        "13000548100010",
    ),
    (
        BuyerKind.EMPLOYER,
        SourceKind.EMPLOYER,
        "Cabinet infirmier des Lices",
        "4 place des Lices",
        "35000",
        "Rennes",
        "48234567800015",
    ),
    (
        BuyerKind.FUNDER,
        SourceKind.REGION,
        "Région Bretagne",
        "283 avenue du Général Patton",
        "35700",
        "Rennes",
        "23350001600040",
    ),
]


def _buyer(n: int, member) -> dict:
    if n % 5 == 4:  # some pay themselves
        return {
            "buyer_kind": BuyerKind.PERSON,
            "buyer_user": member,
            "buyer_name": member.get_full_name() or member.email,
            "buyer_address": "12 rue de la Mairie",
            "buyer_postcode": "35000",
            "buyer_city": "Rennes",
            "buyer_email": member.email,
        }
    kind, origin, name, address, postcode, city, siret = FUNDERS[n % len(FUNDERS)]
    return {
        "buyer_kind": kind,
        "origin": origin,
        "buyer_name": name,
        "buyer_address": address,
        "buyer_postcode": postcode,
        "buyer_city": city,
        "buyer_siret": siret,
        "buyer_email": "facturation@financeur.example",
    }


def seed(world: dict) -> None:
    if Invoice.objects.filter(buyer_reference=MARKER).exists():
        return
    staff = world["formateur@demo.test"]
    today = timezone.localdate()
    ended = (
        Enrollment.objects.filter(Q(ended_at__isnull=False) | Q(cohort__ends_on__lt=today))
        .select_related("member", "cohort")
        .order_by("cohort__ends_on", "pk")[:10]
    )
    # The past cohorts' members first, then the demo world's apprentices, so that every case is shown.
    members = [enrollment.member for enrollment in ended]
    for email in DEMO_MEMBERS:
        if world[email] not in members:
            members.append(world[email])
    members = members[:8]
    issued = []
    start = today - timedelta(days=200)
    for n, member in enumerate(members):
        invoice = invoicing.create_draft(
            by=staff,
            buyer_reference=f"DEMO-FACT-{n + 1:02d}",
            service_from=start - timedelta(days=180),
            service_to=start,
            **_buyer(n, member),
        )
        invoicing.add_line(
            invoice,
            by=staff,
            label="Parcours compagnon — accompagnement et mentorat",
            quantity=1,
            unit_price_cents=180_000,
        )
        invoicing.add_line(invoice, by=staff, label="Jury de certification", quantity=1, unit_price_cents=25_000)
        issued.append(invoicing.issue(invoice, by=staff, on=start + timedelta(days=n)))
    # Paid, one in two parts; the credit note on the second; the last one overdue and reminded.
    for n, invoice in enumerate(issued[:-1]):
        if n == 1:
            note = invoicing.draft_credit_note(invoice, by=staff, amount_cents=25_000, label="Jury reporté : non dû")
            invoicing.issue(note, by=staff, on=start + timedelta(days=20))
            invoice.refresh_from_db()
        if n == 0:
            payments.record_payment(
                invoice, by=staff, amount_cents=100_000, received_on=start + timedelta(days=25), reference="VIR 0412-A"
            )
            invoice.refresh_from_db()
        payments.record_payment(
            invoice,
            by=staff,
            amount_cents=invoice.balance_cents,
            received_on=start + timedelta(days=40 + n),
            reference=f"VIR {4400 + n}",
        )
    overdue = issued[-1]
    Invoice.objects.filter(pk=overdue.pk).update(reminders_sent=1, reminded_on=today - timedelta(days=3))
    for email in ("apprenti@demo.test", "compagnon@demo.test"):
        memberships.record_membership(
            world[email], by=staff, category="individuelle", paid_on=today - timedelta(days=30), reference="Chèque"
        )
