"""The indicators as files: CSV (one row per cohort) and XLSX (per cohort, France Compétences' sheet per year of
certification with its own field names, and the blocs). Also the files the association's audit dossier takes."""

import csv
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from compagnons.core.spreadsheets import append_safe_row, safe_cell
from compagnons.outcomes import indicators
from compagnons.outcomes.indicators import HOLDERS, LEAVERS, Filters
from compagnons.outcomes.models import FollowUp
from compagnons.skills.models import Certification

SIX, TWO_YEARS = FollowUp.Wave.SIX_MONTHS, FollowUp.Wave.TWO_YEARS

COHORT_COLUMNS = [
    "Promotion",
    "Début",
    "Fin",
    "Financement",
    "Entrés",
    "En cours",
    "Parcours terminés (%)",
    "Abandons (%)",
    "Certifiés",
    "Taux de certification (%)",
    "Heures de compagnonnage (signées)",
    "Titulaires enquêtés à 6 mois",
    "Répondants à 6 mois",
    "Taux de réponse à 6 mois (%)",
    "Insertion globale à 6 mois (%)",
    "Insertion dans le métier à 6 mois (%)",
    "Titulaires enquêtés à 2 ans",
    "Répondants à 2 ans",
    "Taux de réponse à 2 ans (%)",
    "Insertion globale à 2 ans (%)",
    "Insertion dans le métier à 2 ans (%)",
    "Indicateur interne — sortants répondants à 6 mois",
    "Indicateur interne — insertion globale des sortants à 6 mois (%)",
]
FC_COLUMNS = [
    "ANNEE",
    "NOMBRE_CERTIFIES",
    "NOMBRE_CERTIFIES_VAE",
    "TAUX_INSERTION_GLOBAL_6MOIS",
    "TAUX_INSERTION_METIER_6MOIS",
    "TAUX_INSERTION_METIER_2ANS",
    # Ours, after France Compétences' own fields: what each rate rests on.
    "REPONDANTS_6MOIS",
    "TAUX_REPONSE_6MOIS",
    "REPONDANTS_2ANS",
    "TAUX_REPONSE_2ANS",
]
BLOCK_COLUMNS = ["CODE", "LIBELLE", "LISTE_COMPETENCES", "MODALITES_EVALUATION"]


def _all_cohort_rows(filters: Filters) -> list[indicators.CohortRow]:
    cohorts = list(filters.cohorts().order_by("starts_on", "name"))
    return indicators.cohort_rows(cohorts, filters)


def cohort_table(filters: Filters) -> list[list]:
    table = []
    for row in _all_cohort_rows(filters):
        c, p = row.cohort, row.path
        six, two = row.insertion[(SIX, HOLDERS)], row.insertion[(TWO_YEARS, HOLDERS)]
        all_six = row.insertion[(SIX, LEAVERS)]
        table.append(
            [
                c.name,
                c.starts_on,
                c.ends_on,
                c.get_funding_display(),
                p.entered,
                p.active,
                p.completion.pct,
                p.dropout.pct,
                p.certified,
                p.certification.pct,
                p.mentoring_hours,
                six.surveyed,
                six.respondents,
                six.response.pct,
                six.overall.pct,
                six.trade.pct,
                two.surveyed,
                two.respondents,
                two.response.pct,
                two.overall.pct,
                two.trade.pct,
                all_six.respondents,
                all_six.overall.pct,
            ]
        )
    return table


def france_competences_table(filters: Filters) -> list[list]:
    """Per year of certification, every holder of the title (path and VAE): only the certification and the year
    filters apply (a cohort or a funding source would leave the VAE holders out)."""
    filters = Filters(certification=filters.certification, year=filters.year)
    return [
        [
            row.year,
            row.certified,
            row.certified_vae,
            row.six_months.overall.pct,
            row.six_months.trade.pct,
            row.two_years.trade.pct,
            row.six_months.respondents,
            row.six_months.response.pct,
            row.two_years.respondents,
            row.two_years.response.pct,
        ]
        for row in indicators.year_rows(filters)
    ]


def block_table(filters: Filters | None = None) -> list[list]:
    certification = (filters and filters.certification) or Certification.objects.current()
    if certification is None:
        return []
    return [
        [
            block.code,
            block.label,
            " ; ".join(f"{c.code} {c.label}" for c in block.competences.all()),
            block.evaluation_methods,
        ]
        for block in certification.blocks.prefetch_related("competences").order_by("position", "code")
    ]


def _cell(value):
    """French spreadsheets read `66,7` as a number, `66.7` as text (or a date)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value}".replace(".", ",")
    return safe_cell(value)


def indicators_csv(filters: Filters | None = None) -> str:
    """One row per cohort; `;` separated with a BOM, as French spreadsheets expect."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(COHORT_COLUMNS)
    for row in cohort_table(filters or Filters()):
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def indicators_xlsx(filters: Filters | None = None) -> bytes:
    filters = filters or Filters()
    workbook = Workbook()
    sheets = [
        ("Indicateurs par promotion", COHORT_COLUMNS, cohort_table(filters)),
        ("France Compétences", FC_COLUMNS, france_competences_table(filters)),
        ("Blocs", BLOCK_COLUMNS, block_table(filters)),
    ]
    for index, (title, columns, rows) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            append_safe_row(sheet, row)  # a cohort or bloc name typed as « =… » stays text
        sheet.freeze_panes = "A2"
    workbook.properties.creator = "Compagnons"
    workbook.properties.created = timezone.now().replace(tzinfo=None)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def association_files() -> list[tuple[str, bytes]]:
    """The indicators for the association's audit dossier (quality app)."""
    return [
        ("indicateurs.xlsx", indicators_xlsx()),
        ("indicateurs.csv", indicators_csv().encode("utf-8")),
    ]
