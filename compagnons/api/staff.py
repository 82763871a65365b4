"""Team operations, with a token holding `read:indicators` (only a team member can create one, and the team is
checked again at each use): the indicators and France Compétences' export, as JSON, from outcomes' own functions."""

from datetime import date

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router

from compagnons.api.auth import TokenAuth
from compagnons.api.models import Scope
from compagnons.api.pagination import MAX_ID
from compagnons.api.problems import ERRORS
from compagnons.api.schemas import TableOut
from compagnons.apprenticeship.models import Cohort
from compagnons.core import audit
from compagnons.outcomes import exports
from compagnons.outcomes.indicators import Filters
from compagnons.skills.models import Certification

router = Router(tags=["équipe"])

Year = Query(None, ge=2000, le=2100, description="Les promotions qui finissent cette année, les sorties de l'année.")
CertificationId = Query(None, ge=1, le=MAX_ID, description="Une certification (toutes ses versions), son id.")
CohortId = Query(None, ge=1, le=MAX_ID, description="Une promotion, son id.")


def _filters(*, year, certification, cohort=None) -> Filters:
    return Filters(
        year=year,
        certification=get_object_or_404(Certification, pk=certification) if certification is not None else None,
        cohort=get_object_or_404(Cohort, pk=cohort) if cohort is not None else None,
    )


def _cells(rows: list[list]) -> list[list]:
    return [[value.isoformat() if isinstance(value, date) else value for value in row] for row in rows]


@router.get(
    "/equipe/indicateurs",
    auth=TokenAuth(Scope.READ_INDICATORS),
    response={200: TableOut, **ERRORS},
    summary="Indicateurs par promotion",
)
def indicators(
    request: HttpRequest,
    year: int | None = Year,
    certification: int | None = CertificationId,
    cohort: int | None = CohortId,
):
    """Les indicateurs de l'export CSV du tableau de bord, une ligne par promotion (mêmes calculs, mêmes colonnes)."""
    filters = _filters(year=year, certification=certification, cohort=cohort)
    audit.log(request.auth.user, "outcomes.exported", None, format="api", **filters.as_query())
    return {"columns": exports.COHORT_COLUMNS, "rows": _cells(exports.cohort_table(filters))}


@router.get(
    "/equipe/france-competences",
    auth=TokenAuth(Scope.READ_INDICATORS),
    response={200: TableOut, **ERRORS},
    summary="Export France Compétences",
)
def france_competences(request: HttpRequest, year: int | None = Year, certification: int | None = CertificationId):
    """La feuille France Compétences de l'export XLSX, par année de certification, avec ses noms de champs."""
    filters = _filters(year=year, certification=certification)
    audit.log(request.auth.user, "outcomes.exported", None, format="api-france-competences", **filters.as_query())
    return {"columns": exports.FC_COLUMNS, "rows": _cells(exports.france_competences_table(filters))}
