"""Funding, invoices half: 200,000 invoices at 100,000 members (two per member), each with one line, numbered per
year without a gap (the yearly counters set to the last number), paid but for 1 in 40 still to collect (half of those
overdue), 1 in 100 with a credit note; bench-apprenti's own invoices; bench-formateur's invoice with its Factur-X PDF
built (the bench downloads it).

Added after the data set was first built: its seeders draw from `ctx.rng_for(...)`, not `ctx.rng`."""

from collections import defaultdict
from datetime import timedelta
from itertools import batched

from bench import BENCH_APPRENTICE, BENCH_FORMATEUR
from bench.scale.registry import SCALE_EMAILS, ScaleContext, seeder
from compagnons.accounts.models import User
from compagnons.funding import facturx
from compagnons.funding.models import BuyerKind, Invoice, InvoiceCounter, InvoiceLine, SourceKind

INVOICES_PER_USER = 2
OPEN_SHARE = 40
CREDIT_SHARE = 100
FUNDERS = [
    (BuyerKind.FUNDER, SourceKind.OPCO, "OPCO EP", "85174426100020"),
    (BuyerKind.FUNDER, SourceKind.CPF, "Caisse des dépôts (CPF)", "18002002600019"),
    (BuyerKind.FUNDER, SourceKind.FRANCE_TRAVAIL, "France Travail", "13000548100010"),
    (BuyerKind.FUNDER, SourceKind.REGION, "Région Bretagne", "23350001600040"),
    (BuyerKind.EMPLOYER, SourceKind.EMPLOYER, "Cabinet infirmier des Lices", "48234567800015"),
]


def _done(ctx: ScaleContext) -> bool:
    return Invoice.objects.filter(buyer_reference="BENCH").exists()


@seeder("funding_invoices.invoices", done=_done)
def seed_invoices(ctx: ScaleContext) -> int:
    rng = ctx.rng_for("funding_invoices.invoices")
    members = list(
        User.objects.filter(email__endswith=SCALE_EMAILS).order_by("pk").values_list("pk", "first_name", "last_name")
    )
    staff_id = User.objects.filter(email=BENCH_FORMATEUR).values_list("pk", flat=True).first() or ctx.staff_ids()[0]
    apprentice = User.objects.filter(email=BENCH_APPRENTICE).values_list("pk", "first_name", "last_name").first()
    total = len(members) * INVOICES_PER_USER
    # Dates over three years, in order, so that the numbers follow the dates as the law asks.
    days = sorted(rng.randrange(3 * 365) for _ in range(total))
    today = ctx.now.date()
    sequences: dict[int, int] = defaultdict(int)
    rows = 0

    def build(n: int, day_offset: int) -> tuple[Invoice, int]:
        issued_on = today - timedelta(days=3 * 365 - day_offset)
        sequences[issued_on.year] += 1
        sequence = sequences[issued_on.year]
        amount = rng.choice((60_000, 120_000, 180_000, 240_000))
        is_open = n % OPEN_SHARE == 0
        due_on = issued_on + timedelta(days=30)
        if is_open and n % (2 * OPEN_SHARE) == 0:
            due_on = min(due_on, today - timedelta(days=5))
        elif is_open:
            due_on = max(due_on, today + timedelta(days=10))
        member = apprentice if (n < 3 and apprentice) else members[n // INVOICES_PER_USER]
        if n % 5 == 0 or n < 3:
            buyer = {
                "buyer_kind": BuyerKind.PERSON,
                "origin": SourceKind.PERSON,
                "buyer_user_id": member[0],
                "buyer_name": f"{member[1]} {member[2]}".strip() or "Membre",
            }
        else:
            kind, origin, name, siret = FUNDERS[n % len(FUNDERS)]
            buyer = {"buyer_kind": kind, "origin": origin, "buyer_name": name, "buyer_siret": siret}
        invoice = Invoice(
            state="issued",
            year=issued_on.year,
            sequence=sequence,
            number=f"{issued_on.year}-{sequence:05d}",
            issued_on=issued_on,
            due_on=due_on,
            buyer_address="1 rue du Banc",
            buyer_postcode="35000",
            buyer_city="Rennes",
            buyer_email="factures@example.test",
            buyer_reference="BENCH" if n == 0 else "",
            total_cents=amount,
            paid_cents=0 if is_open else amount,
            settled_at=None if is_open else ctx.now - timedelta(days=max(1, 3 * 365 - day_offset - 20)),
            created_by_id=staff_id,
            created_at=ctx.now,
            **buyer,
        )
        return invoice, amount

    for batch in batched(enumerate(days), ctx.batch_size):
        built = [build(n, day) for n, day in batch]
        invoices = Invoice.objects.bulk_create([invoice for invoice, _a in built])
        InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(
                    invoice_id=invoice.pk,
                    position=1,
                    label="Parcours compagnon — accompagnement et mentorat",
                    quantity=1,
                    unit_price_cents=amount,
                    amount_cents=amount,
                )
                for invoice, (_i, amount) in zip(invoices, built, strict=True)
            ]
        )
        rows += 2 * len(invoices)
    InvoiceCounter.objects.bulk_create(
        [InvoiceCounter(year=year, last_number=last) for year, last in sequences.items()],
        update_conflicts=True,
        unique_fields=["year"],
        update_fields=["last_number"],
    )
    bench = Invoice.objects.get(buyer_reference="BENCH")
    facturx.build_invoice_pdf.call(bench.pk)
    return rows + len(sequences)


def bench_invoice() -> int | None:
    return Invoice.objects.filter(buyer_reference="BENCH").values_list("pk", flat=True).first()
