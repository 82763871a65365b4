"""The public results page (Qualiopi indicators 1–3): per year, satisfaction, completion, drop-out, certification
and insertion rates with the number of people each rests on. A figure resting on fewer people than
OUTCOMES_PUBLIC_MIN_COUNT is not shown, so that no one can be recognised behind it."""

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.apprenticeship.models import Enrollment
from compagnons.outcomes import charts
from compagnons.outcomes.indicators import Filters, Rate, year_rows

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


def _path_by_year() -> dict[int, dict]:
    """Cohorts that have ended, by the year they ended."""
    S = Enrollment.Status
    rows = (
        Enrollment.objects.exclude(status=S.REQUESTED)
        .filter(enrolled_at__isnull=False, cohort__ends_on__lt=timezone.localdate())
        .annotate(year=ExtractYear("cohort__ends_on"))
        .values("year")
        .annotate(
            entered=Count("pk"),
            finished=Count("pk", filter=Q(status__in=[S.COMPLETED, S.CERTIFIED])),
            certified=Count("pk", filter=Q(status=S.CERTIFIED)),
            dropped=Count("pk", filter=Q(status=S.DROPPED_OUT)),
        )
        .order_by("year")
    )
    return {row["year"]: row for row in rows}


def results_by_year() -> list[dict]:
    from compagnons.quality.services import satisfaction_by_year

    path = _path_by_year()
    insertion = {row.year: row for row in year_rows(Filters())}
    satisfaction = satisfaction_by_year()
    table = []
    for year in sorted(set(path) | set(insertion) | set(satisfaction), reverse=True):
        p = path.get(year, {"entered": 0, "finished": 0, "certified": 0, "dropped": 0})
        satisfied, respondents = satisfaction.get(year, (0, 0))
        row = insertion.get(year)
        table.append(
            {
                "year": year,
                "satisfaction": shown(Rate(satisfied, respondents)),
                "completion": shown(Rate(p["finished"], p["entered"])),
                "dropout": shown(Rate(p["dropped"], p["entered"])),
                "certification": shown(Rate(p["certified"], p["entered"])),
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
