"""The public results page (Qualiopi indicators 1–3): per year, satisfaction, completion, drop-out, certification
and insertion rates with the number of people each rests on. A figure resting on fewer people than
OUTCOMES_PUBLIC_MIN_COUNT is not shown, so that no one can be recognised behind it."""

from django.conf import settings
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.apprenticeship.models import Enrollment
from compagnons.core import reports
from compagnons.outcomes import charts
from compagnons.outcomes.indicators import Filters, PathFigures, Rate, path_counts, year_rows

CACHE_KEY = "outcomes:public-results"


def shown(rate: Rate) -> dict:
    """What the public may see of a rate: nothing below the threshold."""
    threshold = settings.OUTCOMES_PUBLIC_MIN_COUNT
    visible = rate.den >= threshold
    return {
        "pct": rate.pct if visible else None,
        "num": rate.num if visible else None,
        "base": rate.den if visible else None,
        "hidden": not visible,
    }


def _path_by_year() -> dict[int, PathFigures]:
    """Cohorts that have ended, by the year they ended."""
    enrollments = (
        Enrollment.objects.exclude(status=Enrollment.Status.REQUESTED)
        .filter(enrolled_at__isnull=False, cohort__ends_on__lt=timezone.localdate())
        .annotate(year=ExtractYear("cohort__ends_on"))
    )
    figures = {}
    for row in path_counts(enrollments, ("year",)):
        figures[row["year"]] = PathFigures()
        figures[row["year"]].add(row)
    return figures


def results_by_year() -> list[dict]:
    path = _path_by_year()
    insertion = {row.year: row for row in year_rows(Filters())}
    satisfaction = reports.yearly_rate("satisfaction")  # registered by quality
    table = []
    for year in sorted(set(path) | set(insertion) | set(satisfaction), reverse=True):
        p = path.get(year, PathFigures())
        satisfied, respondents = satisfaction.get(year, (0, 0))
        row = insertion.get(year)
        table.append(
            {
                "year": year,
                "satisfaction": shown(Rate(satisfied, respondents)),
                "completion": shown(p.completion),
                "dropout": shown(p.dropout),
                "certification": shown(p.certification),
                "insertion_6": shown(row.six_months.overall) if row else shown(Rate(0, 0)),
                "trade_6": shown(row.six_months.trade) if row else shown(Rate(0, 0)),
                "trade_24": shown(row.two_years.trade) if row else shown(Rate(0, 0)),
                "response_6": shown(row.six_months.response) if row else shown(Rate(0, 0)),
                "response_24": shown(row.two_years.response) if row else shown(Rate(0, 0)),
            }
        )
        table[-1]["public_figures"] = [
            table[-1][name]
            for name in (
                "satisfaction",
                "completion",
                "dropout",
                "certification",
                "insertion_6",
                "trade_6",
                "trade_24",
                "response_6",
                "response_24",
            )
        ]
    return table


def chart(rows: list[dict]) -> str | None:
    rows = [row for row in reversed(rows) if not row["completion"]["hidden"] or not row["insertion_6"]["hidden"]]
    if not rows:
        return None
    return charts.bar_chart(
        _("Nos résultats, par année (%)"),
        [str(row["year"]) for row in rows],
        [
            (_("Parcours terminés"), [row["completion"]["pct"] for row in rows]),
            (_("Certifiés"), [row["certification"]["pct"] for row in rows]),
            (_("Insertion à 6 mois"), [row["insertion_6"]["pct"] for row in rows]),
        ],
    )
