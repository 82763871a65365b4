"""The bilan pédagogique et financier (BPF, cerfa n° 10443) of one year, pre-filled from the data, box by box, with
the people (and sources) behind each box, and its export (XLSX, CSV) with the form's section and line labels.

Where each figure comes from (docs/funding.md):
- Cadre C, revenue by origin: the invoices of the year, less credit notes (`funding.revenue.revenue_by_origin`) when
  the invoices half is installed; otherwise the funding sources paid during the year. The association's own funds
  are not a revenue and stay out of the form.
- Cadre E, trainers and their hours: the people who gave the counted lines (`apprenticeship.attendance`: mentoring
  sessions confirmed by both, coaching confirmed by both while enrolled); the team (formateurs) and the compagnons
  (volunteer members of the association) are both « personnes de votre organisme »; nobody is subcontracted.
- Cadre F-1, trainees and hours-trainees: the enrollments with counted hours in the year, by their plan's main
  source (employer or OPCO: a; France Travail or Région: c; the person: d; CPF, own funds or no plan: e, the platform
  not knowing the person's status); the hours are attendance's lines over the year, plus self-study (capsules
  finished) if FUNDING_BPF_COUNT_SELF_STUDY.
- Cadre F-3, the certifications prepared: the cohort's certification (RNCP by level, or RS).

Bounded: a fixed number of queries whatever the data (one per attendance source, by trainee and by trainer)."""

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, F, Sum, Window
from django.db.models.functions import RowNumber, TruncDate

from compagnons.accounts.models import User
from compagnons.apprenticeship import attendance
from compagnons.apprenticeship.models import Enrollment
from compagnons.core.money import euros
from compagnons.core.spreadsheets import append_safe_row, safe_cell
from compagnons.funding.models import FundingSource, SourceKind, SourceStatus

try:  # the invoices half (r-fundinv) gives the revenue from the invoices; without it, the paid sources do
    from compagnons.funding.revenue import revenue_by_origin
except ImportError:  # pragma: no cover - depends on which half is installed
    revenue_by_origin = None

PEOPLE_SHOWN = 50

# Cadre C: the line of each origin.
REVENUE_LINES = {
    SourceKind.EMPLOYER: ("C", "1", "Produits provenant des entreprises pour la formation de leurs salariés"),
    SourceKind.OPCO: (
        "C",
        "2 h",
        "Organismes gestionnaires des fonds de la formation professionnelle : plan de développement des "
        "compétences ou autres dispositifs",
    ),
    SourceKind.CPF: (
        "C",
        "2 e",
        "Organismes gestionnaires des fonds de la formation professionnelle : compte personnel de formation",
    ),
    SourceKind.REGION: ("C", "6", "Pouvoirs publics pour la formation de publics spécifiques : Conseils régionaux"),
    SourceKind.FRANCE_TRAVAIL: ("C", "7", "Pouvoirs publics pour la formation de publics spécifiques : France Travail"),
    SourceKind.PERSON: ("C", "9", "Contrats conclus avec des personnes à titre individuel et à leurs frais"),
}
# Cadre F-1: the line of each trainee, by their plan's main source.
TRAINEE_LINES = {
    "a": "Salariés d'employeurs privés hors apprentis",
    "b": "Apprentis",
    "c": "Personnes en recherche d'emploi formées par votre organisme",
    "d": "Particuliers à leurs propres frais formés par votre organisme",
    "e": "Autres stagiaires",
}
TRAINEE_OF_SOURCE = {
    SourceKind.EMPLOYER: "a",
    SourceKind.OPCO: "a",
    SourceKind.FRANCE_TRAVAIL: "c",
    SourceKind.REGION: "c",
    SourceKind.PERSON: "d",
}
# Cadre F-3: the general objective, by the certification prepared.
OBJECTIVE_LINES = {
    "a1": "Formations visant un diplôme ou un titre enregistré au RNCP : niveau 6 à 8",
    "a2": "Formations visant un diplôme ou un titre enregistré au RNCP : niveau 5",
    "a3": "Formations visant un diplôme ou un titre enregistré au RNCP : niveau 4",
    "a4": "Formations visant un diplôme ou un titre enregistré au RNCP : niveau 3",
    "a5": "Formations visant un diplôme ou un titre enregistré au RNCP : niveau 2",
    "a6": "Formations visant un titre enregistré au RNCP sans niveau (CQP)",
    "b": "Formations visant une certification ou une habilitation enregistrée au répertoire spécifique (RS)",
    "d": "Autres formations professionnelles",
}


@dataclass
class Box:
    section: str
    line: str
    label: str
    count: int | None = None
    minutes: int | None = None
    amount: Decimal | None = None
    people: list[str] = field(default_factory=list)
    more: int = 0

    @property
    def hours(self) -> int | None:
        """Whole hours, rounded to the nearest (the form's notice): from the minutes, never a sum of roundings."""
        if self.minutes is None:
            return None
        return int((Decimal(self.minutes) / 60).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass
class Report:
    year: int
    revenue_from_invoices: bool
    revenue: list[Box]
    revenue_total: Decimal
    own_funds: Decimal
    trainers: list[Box]
    trainees: list[Box]
    objectives: list[Box]
    self_study: bool

    @property
    def sections(self) -> list[tuple[str, list[Box]]]:
        return [
            ("C — Bilan financier hors taxes : origine des produits de l'organisme", self.revenue),
            ("E — Personnes dispensant des heures de formation", self.trainers),
            ("F-1 — Type de stagiaires de l'organisme", self.trainees),
            ("F-3 — Objectif général des prestations dispensées", self.objectives),
        ]


def _hm(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _counted_rows(source, first: date, last: date, members):
    """Rows of one attendance source, counted as member_lines counts them, over the year, for these members."""
    rows = (
        source.model()
        .objects.filter(**source.confirmed, **{f"{source.member}__in": members})
        .annotate(_day=TruncDate(source.day) if source.day_is_datetime else F(source.day))
        .filter(_day__gte=first, _day__lte=last)
    )
    if source.needs_enrollment:
        rows = rows.filter(attendance._enrolled_on(source.member, "_day"))  # the module's own rule, not a copy
    return rows


def _minutes(value) -> int:
    return attendance._as_minutes(value)


def trainee_minutes(year: int) -> tuple[dict[int, int], dict[int, int]]:
    """({member_id: minutes of training in the year}, {trainer_id: minutes given}): two queries per source."""
    first, last = _year_bounds(year)
    members = Enrollment.objects.exclude(status=Enrollment.Status.REQUESTED).values("member_id")
    by_member: dict[int, int] = defaultdict(int)
    by_trainer: dict[int, int] = defaultdict(int)
    for source in attendance.sources():
        rows = _counted_rows(source, first, last, members)
        for member_id, minutes in (
            rows.values(source.member).annotate(m=Sum(source.minutes(""))).values_list(source.member, "m").order_by()
        ):
            by_member[member_id] += _minutes(minutes)
        for who_id, minutes in (
            rows.values(source.who).annotate(m=Sum(source.minutes(""))).values_list(source.who, "m").order_by()
        ):
            if who_id:
                by_trainer[who_id] += _minutes(minutes)
    return dict(by_member), dict(by_trainer)


def self_study_minutes(year: int, members) -> dict[int, int]:
    from compagnons.learning.models import Progress

    rows = (
        Progress.objects.filter(finished_at__year=year, member_id__in=members)
        .values("member_id")
        .annotate(m=Sum("capsule__minutes"))
        .values_list("member_id", "m")
        .order_by()
    )
    return {member_id: int(minutes or 0) for member_id, minutes in rows}


def _revenue(year: int) -> tuple[list[Box], Decimal, Decimal, bool]:
    """Totals in one query; the sources shown behind each box (the first PEOPLE_SHOWN of each) in one more."""
    boxes = {kind: Box(*REVENUE_LINES[kind], amount=Decimal("0.00")) for kind in REVENUE_LINES}
    first, last = _year_bounds(year)
    paid = FundingSource.objects.filter(status=SourceStatus.PAID, paid_on__gte=first, paid_on__lte=last)
    sums = {
        kind: (total, n)
        for kind, total, n in paid.values("kind")
        .annotate(t=Sum("amount"), n=Count("pk"))
        .values_list("kind", "t", "n")
        .order_by()
    }
    own_funds = Decimal(sums.get(SourceKind.OWN_FUNDS, (0, 0))[0] or 0).quantize(Decimal("0.01"))
    from_invoices = revenue_by_origin is not None
    totals = revenue_by_origin(year) if from_invoices else {kind: total for kind, (total, _n) in sums.items()}
    for kind, box in boxes.items():
        box.amount = Decimal(totals.get(kind, 0) or 0).quantize(Decimal("0.01"))
    if from_invoices:
        _invoices_behind(year, boxes)
    else:
        _sources_behind(paid, sums, boxes)
    ordered = sorted(boxes.values(), key=lambda b: (int(b.line.split()[0]), b.line))
    total = sum((b.amount for b in ordered), Decimal("0.00"))
    return ordered, total, own_funds, from_invoices


def _first_of_each(queryset, field: str, order: list[str]):
    """The first PEOPLE_SHOWN rows of each value of `field`, in `order`: one query (a window function), whatever
    the number of lines that have some."""
    rank = Window(RowNumber(), partition_by=[F(field)], order_by=[F(name).asc() for name in order])
    return queryset.annotate(rank_in_line=rank).filter(rank_in_line__lte=PEOPLE_SHOWN).order_by(field, *order)


def _sources_behind(paid, sums: dict, boxes: dict) -> None:
    shown = _first_of_each(paid.select_related("plan__enrollment__member"), "kind", ["paid_on", "pk"])
    for source in shown:
        if source.kind not in boxes:  # the association's own funds: not a revenue line
            continue
        boxes[source.kind].people.append(
            " ".join(
                part
                for part in (
                    f"{source.plan.enrollment.member.display_name} —",
                    source.funder_label,
                    source.file_number,
                    f"({source.amount} €, payé le {source.paid_on:%d/%m/%Y})",
                )
                if part
            )
        )
    for kind, box in boxes.items():
        box.more = max(sums.get(kind, (0, 0))[1] - PEOPLE_SHOWN, 0)


def _invoices_behind(year: int, boxes: dict) -> None:
    """The year's issued invoices and credit notes behind each line: one count, one query for the lines shown."""
    from compagnons.funding.models import Invoice, InvoiceKind

    issued = Invoice.objects.issued().filter(year=year)
    counts = dict(issued.values("origin").annotate(n=Count("pk")).values_list("origin", "n").order_by())
    for invoice in _first_of_each(issued, "origin", ["issued_on", "pk"]):
        box = boxes.get(invoice.origin)
        if box is not None:
            what = "Avoir" if invoice.kind == InvoiceKind.CREDIT_NOTE else "Facture"
            box.people.append(f"{what} {invoice.number} — {invoice.buyer_name} ({euros(invoice.total_cents)} HT)")
    for kind, box in boxes.items():
        box.more = max(counts.get(kind, 0) - PEOPLE_SHOWN, 0)


def build(year: int) -> Report:
    """The report of one year. Queries: a fixed number (revenue, two per attendance source, the enrollments, their
    main sources, self-study, and the names of the people shown), whatever the data."""
    first, last = _year_bounds(year)
    revenue, revenue_total, own_funds, from_invoices = _revenue(year)
    by_member, by_trainer = trainee_minutes(year)
    count_self_study = settings.FUNDING_BPF_COUNT_SELF_STUDY
    in_year = Enrollment.objects.exclude(status=Enrollment.Status.REQUESTED).filter(
        cohort__starts_on__lte=last, cohort__ends_on__gte=first
    )
    enrollments = list(
        in_year.values_list("pk", "member_id", "cohort__certification__kind", "cohort__certification__level").order_by(
            "member__last_name", "member_id", "pk"
        )
    )
    if count_self_study:
        for member_id, minutes in self_study_minutes(year, in_year.values("member_id")).items():
            by_member[member_id] = by_member.get(member_id, 0) + minutes
    main_source: dict[int, str] = {}
    amounts = (
        FundingSource.objects.filter(plan__enrollment__in=in_year.values("pk"))
        .exclude(status=SourceStatus.REFUSED)
        .values("plan__enrollment_id", "kind")
        .annotate(total=Sum("amount"))
        .values_list("plan__enrollment_id", "kind", "total")
        .order_by("plan__enrollment_id", "-total", "kind")
    )
    for enrollment_id, kind, _total in amounts:
        main_source.setdefault(enrollment_id, kind)

    trainees = {line: Box("F-1", line, label, count=0, minutes=0) for line, label in TRAINEE_LINES.items()}
    objectives = {line: Box("F-3", line, label, count=0, minutes=0) for line, label in OBJECTIVE_LINES.items()}
    shown: list[tuple[Box, int, int]] = []  # (box, person, minutes): named below in one query
    per_box: Counter = Counter()
    seen: set[int] = set()
    for enrollment_id, member_id, kind, level in enrollments:
        minutes = by_member.get(member_id, 0)
        if not minutes or member_id in seen:  # one trainee once, even if enrolled twice in the year
            continue
        seen.add(member_id)
        line = TRAINEE_OF_SOURCE.get(main_source.get(enrollment_id), "e")
        for box in (trainees[line], objectives[_objective(kind, level)]):
            box.count += 1
            box.minutes += minutes
            if per_box[id(box)] < PEOPLE_SHOWN:
                per_box[id(box)] += 1
                shown.append((box, member_id, minutes))
            else:
                box.more += 1
    trainee_total = Box(
        "F-1",
        "Total",
        "Total des stagiaires",
        count=sum(b.count for b in trainees.values()),
        minutes=sum(b.minutes for b in trainees.values()),
    )

    team = Box("E", "1", "Personnes de votre organisme dispensant des heures de formation", count=0, minutes=0)
    external = Box("E", "2", "Personnes extérieures à votre organisme (sous-traitance)", count=0, minutes=0)
    team.count, team.minutes = len(by_trainer), sum(by_trainer.values())
    busiest = sorted(by_trainer, key=lambda pk: (-by_trainer[pk], pk))
    shown += [(team, pk, by_trainer[pk]) for pk in busiest[:PEOPLE_SHOWN]]
    team.more = max(len(busiest) - PEOPLE_SHOWN, 0)

    people = User.objects.in_bulk({pk for _b, pk, _m in shown})
    for box, pk, minutes in shown:
        person = people.get(pk)
        if person is None:
            continue
        role = ""
        if box is team:
            role = " — équipe" if person.is_staff else " — compagnon bénévole"
        box.people.append(f"{person.display_name}{role} ({_hm(minutes)})")
    return Report(
        year=year,
        revenue_from_invoices=from_invoices,
        revenue=[*revenue, Box("C", "Total", "Total des produits", amount=revenue_total)],
        revenue_total=revenue_total,
        own_funds=own_funds,
        trainers=[team, external],
        trainees=[*trainees.values(), trainee_total],
        objectives=list(objectives.values()),
        self_study=count_self_study,
    )


def _objective(kind: str, level: int | None) -> str:
    if kind == "RS":
        return "b"
    if level is None:
        return "a6"
    if level >= 6:
        return "a1"
    return {5: "a2", 4: "a3", 3: "a4", 2: "a5"}.get(level, "d")


# --- Exports ------------------------------------------------------------------------------------

HEADER = ["Cadre", "Ligne", "Libellé", "Nombre", "Heures", "Montant (€)"]


def rows(report: Report):
    for title, boxes in report.sections:
        for box in boxes:
            yield [title, box.line, box.label, box.count, box.hours, box.amount]


def _french(value):
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return "" if value is None else value


def to_csv(report: Report) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([f"Bilan pédagogique et financier {report.year} (cerfa 10443)"])
    writer.writerow(HEADER)
    for row in rows(report):
        writer.writerow([safe_cell(_french(value)) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"BPF {report.year}"
    sheet.append([f"Bilan pédagogique et financier {report.year} (cerfa 10443)"])
    sheet["A1"].font = Font(bold=True)
    sheet.append(HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows(report):
        append_safe_row(sheet, [float(v) if isinstance(v, Decimal) else v for v in row])
    detail = workbook.create_sheet("Détail")
    detail.append(["Cadre", "Ligne", "Personne ou source"])
    for title, boxes in report.sections:
        for box in boxes:
            for person in box.people:
                append_safe_row(detail, [title, box.line, person])
            if box.more:
                append_safe_row(detail, [title, box.line, f"… et {box.more} autres"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


__all__ = ["Box", "Report", "build", "to_csv", "to_xlsx"]
