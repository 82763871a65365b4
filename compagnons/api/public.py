"""Public, read-only operations: the same visibility rules as the public pages, read through each app's querysets
and read modules."""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import F, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.renderers import JSONRenderer

from compagnons.accounts.models import Region
from compagnons.api import pagination
from compagnons.api.problems import ERRORS, InvalidInput
from compagnons.api.schemas import (
    CompetenceOut,
    DirectoryCard,
    MissionOut,
    ResultsOut,
    SiteDetail,
    SiteOut,
    VerifyIn,
    VerifyOut,
    VersionDetail,
    VersionOut,
    page_of,
)
from compagnons.core import fragments
from compagnons.core.compiled import CompiledSlice
from compagnons.credentials import verification
from compagnons.credentials.services import page_url as credential_url
from compagnons.missions.models import Mission
from compagnons.outcomes import public as outcomes_public
from compagnons.outcomes import services as outcomes_services
from compagnons.showcase import directory, recognitions
from compagnons.showcase.models import Profile
from compagnons.showcase.site import public_name
from compagnons.skills.models import Certification, Competence

router = Router(tags=["public"])

MAX = settings.API_MAX_PAGE_SIZE
Limit = Query(pagination.DEFAULT_PAGE_SIZE, ge=1, le=MAX, description=f"Taille de la page (au plus {MAX}).")
Cursor = Query(None, min_length=1, max_length=200, description="Le curseur `next_cursor` de la page précédente.")
ETAG_ERRORS = {**ERRORS, 304: None}
MissionCompetence = Query(None, ge=1, le=pagination.MAX_ID, description="Une compétence attendue (son id).")
ClientRegion = Query(None, description="La région du donneur d'ordre.")
Remote = Query(None, description="true : entièrement à distance ; false : le reste.")
BudgetMin = Query(None, ge=0, le=10_000_000, description="Budget total minimal, en euros.")
MemberRegion = Query(None, description="La région du membre.")
Slug = Path(..., max_length=60, pattern=r"^[-a-zA-Z0-9_]+$", description="L'adresse de la page (/c/<slug>/).")
ProvenCompetence = Query(
    None, ge=1, le=pagination.MAX_ID, description="Une compétence prouvée (jury ou client), son id."
)
VersionId = Query(None, ge=1, le=pagination.MAX_ID, description="Une version du référentiel, son id.")


def json_body(payload) -> str:
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def etag_json(request: HttpRequest, payload) -> HttpResponse:
    """The answer with a strong ETag; 304 without a body when the client already holds it."""
    return etag_response(request, json_body(payload))


def etag_response(request: HttpRequest, body: str) -> HttpResponse:
    """A JSON body (`json_body`) with its strong ETag; 304 without a body when the client already holds it."""
    tag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    wanted = [value.strip() for value in request.headers.get("If-None-Match", "").split(",")]
    response = (
        HttpResponse(status=304)
        if tag in wanted or "*" in wanted
        else HttpResponse(body, content_type="application/json")
    )
    response["ETag"] = tag
    response["Cache-Control"] = "public, max-age=60"
    return response


def absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


# --- Référentiel ---------------------------------------------------------------------------------------------


def _versions():
    return Certification.objects.exclude(status=Certification.Status.DRAFT)


def _version(certification: Certification) -> dict:
    return {
        "id": certification.pk,
        "slug": certification.slug,
        "version": certification.version,
        "name": certification.name,
        "kind": certification.kind,
        "code": certification.code,
        "level": certification.level,
        "status": certification.status,
        "activated_at": certification.activated_at,
    }


def _ref(competence: Competence) -> dict:
    return {"id": competence.pk, "code": competence.code, "label": competence.label}


@router.get(
    "/referentiel/versions", response={200: page_of(VersionOut), **ETAG_ERRORS}, summary="Versions du référentiel"
)
def versions(request: HttpRequest, cursor: str | None = Cursor, limit: int = Limit):
    """Les versions publiées de chaque certification (en vigueur et archivées, jamais les brouillons), les plus
    récentes d'abord."""
    items, next_cursor = pagination.keyset(_versions(), cursor=cursor, limit=limit)
    return etag_json(request, {"items": [_version(c) for c in items], "next_cursor": next_cursor})


@router.get("/referentiel/versions/{version_id}", response={200: VersionDetail, **ERRORS}, summary="Une version")
def version_detail(request: HttpRequest, version_id: int):
    """Une version, ses blocs et leurs compétences."""
    certification = get_object_or_404(_versions(), pk=version_id)
    ordered = Competence.objects.order_by("position", "code")
    blocks = certification.blocks.prefetch_related(Prefetch("competences", queryset=ordered)).order_by(
        "position", "code"
    )
    loose = ordered.filter(certification=certification, block__isnull=True)
    return {
        **_version(certification),
        "blocks": [
            {
                "id": block.pk,
                "code": block.code,
                "label": block.label,
                "evaluation_methods": block.evaluation_methods,
                "competences": [_ref(c) for c in block.competences.all()],
            }
            for block in blocks
        ],
        "competences_without_block": [_ref(c) for c in loose],
    }


@router.get(
    "/referentiel/competences",
    response={200: page_of(CompetenceOut), **ETAG_ERRORS},
    summary="Compétences",
)
def competences(request: HttpRequest, version: int | None = VersionId, cursor: str | None = Cursor, limit: int = Limit):
    """Les compétences des versions publiées (d'une seule avec `version`)."""
    queryset = Competence.objects.filter(certification__in=_versions())
    if version is not None:
        queryset = queryset.filter(certification_id=version)
    items, next_cursor = pagination.keyset(queryset, cursor=cursor, limit=limit)
    return etag_json(
        request,
        {
            "items": [
                {
                    **_ref(c),
                    "description": c.description,
                    "kind": c.kind,
                    "block_id": c.block_id,
                    "certification_id": c.certification_id,
                }
                for c in items
            ],
            "next_cursor": next_cursor,
        },
    )


# --- Missions ------------------------------------------------------------------------------------------------


# What `_mission` shows of a mission, and nothing of its workflow (who qualified it and why, when it was submitted,
# chosen, invoiced, closed): 14 of its 27 columns. Building the 51 missions of a page with all of them took 7 ms
# at scale, 4 so (issue 21: the model's instances and the datetime conversions were most of the filtered list).
API_FIELDS = (
    "title",
    "context",
    "deliverables",
    "place",
    "location",
    "languages",
    "starts_on",
    "deadline",
    "pricing",
    "budget_cents",
    "estimated_hours",
    "daily_rate_cents",
    "days",
    "published_at",
)


def _missions():
    """Of the client, only their region (not a whole account per mission); of the métier, its label."""
    return (
        Mission.objects.published()
        .only(*API_FIELDS)
        .annotate(client_region=F("client__region"), trade_label=F("trade__label"))
    )


# The tables every compétence's reference is read from (a new référentiel, a bloc or a compétence edited).
COMPETENCE_TABLES = ("skills_certification", "skills_block", "skills_competence")


def _read_competence_refs() -> dict[int, tuple[int, dict]]:
    rows = Competence.objects.order_by(*Competence._meta.ordering).values_list("pk", "code", "label")
    return {pk: (rank, {"id": pk, "code": code, "label": label}) for rank, (pk, code, label) in enumerate(rows)}


def _competence_refs() -> dict[int, tuple[int, dict]]:
    """{compétence id: (its rank in the compétences' order, its reference as `_ref` writes it)}, for every
    compétence of every version of the référentiel (a mission keeps those of its day): a few hundred, kept in the
    process while those tables are unchanged (core.fragments.versioned)."""
    return fragments.versioned("api-competence-refs", COMPETENCE_TABLES, _read_competence_refs, local=True)


def _competences_of(missions: list[Mission]) -> dict[int, list[dict]]:
    """{mission id: its compétences as `_ref` writes them, in the compétences' order}: one query of the missions'
    compétence ids for a whole page, their references from the process (joining the compétences, their blocs and
    référentiels to sort them took 1 to 2 ms of a filtered page of 50, most of it the ORM compiling the joins)."""
    if not missions:
        return {}
    through, quote = Mission.competences.through, connection.ops.quote_name
    mission_column, competence_column = (quote(through._meta.get_field(f).column) for f in ("mission", "competence"))
    # a plain query: the ORM built and compiled this one at each page (for 50 missions at scale, in one process:
    # 0.54 against 0.10 ms on SQLite, 1.1 to 1.4 against 0.5 on PostgreSQL)
    sql = (
        f"SELECT {mission_column}, {competence_column} FROM {quote(through._meta.db_table)} "  # noqa: S608 - names only
        f"WHERE {mission_column} IN ({', '.join(['%s'] * len(missions))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [m.pk for m in missions])
        pairs = cursor.fetchall()
    refs = _competence_refs()
    if any(competence_id not in refs for _mission_id, competence_id in pairs):
        refs = _read_competence_refs()  # a compétence newer than the kept ones (its version not seen yet): read now
    found: dict[int, list[tuple[int, dict]]] = {}
    for mission_id, competence_id in pairs:
        found.setdefault(mission_id, []).append(refs[competence_id])
    return {
        mission_id: [ref for _rank, ref in sorted(each, key=lambda item: item[0])] for mission_id, each in found.items()
    }


URL_MARKER = 987654321987654321  # a mission id no address holds otherwise


def mission_urls(request: HttpRequest):
    """pk -> the absolute address of the mission's page (`Mission.get_absolute_url`), reversed and made absolute once
    for a whole page of missions: for each of fifty missions it took 0.1 ms, a third of the filtered list."""
    head, tail = absolute(request, Mission(pk=URL_MARKER).get_absolute_url()).split(str(URL_MARKER))
    return lambda pk: f"{head}{pk}{tail}"


def _mission(mission: Mission, competences: dict[int, list[dict]], url) -> dict:
    return {
        "id": mission.pk,
        "title": mission.title,
        "context": mission.context,
        "deliverables": mission.deliverables,
        "trade": mission.trade_label,
        "competences": competences.get(mission.pk, []),
        "place": mission.place,
        "location": mission.location,
        "region": mission.client_region,
        "languages": mission.languages,
        "starts_on": mission.starts_on,
        "deadline": mission.deadline,
        "pricing": mission.pricing,
        "budget_cents": mission.budget_cents,
        "estimated_hours": mission.estimated_hours,
        "daily_rate_cents": mission.daily_rate_cents,
        "days": mission.days,
        "published_at": mission.published_at,
        "url": url(mission.pk),
    }


@router.get("/missions", response={200: page_of(MissionOut), **ETAG_ERRORS}, summary="Missions publiées")
def missions(
    request: HttpRequest,
    competence: int | None = MissionCompetence,
    region: Region | None = ClientRegion,
    remote: bool | None = Remote,
    budget_min: int | None = BudgetMin,
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """Les missions publiées, les plus récentes d'abord (jamais triées par prix), comme sur /missions/."""
    if competence is None and region is None and remote is None and budget_min is None:
        # Unfiltered, the same for every caller: kept (core.fragments.cached) while none of the tables it read
        # changes, as the /missions/ page without a search is; filtered lists are computed each time. The rate
        # limits still count this request; the host is in the name (absolute addresses), the cursor and size too.
        name = f"api.missions:{request.get_host()}:{cursor or ''}:{limit}"
        (body,) = fragments.cached(
            [(name, lambda: _missions_page(request, _missions(), cursor, limit))], member_id=None
        )
        return etag_response(request, str(body))
    shape = (competence is not None, region is not None, remote, budget_min is not None)
    values = {
        "competence": competence,
        "region": str(region) if region is not None else None,
        "budget_cents": budget_min * 100 if budget_min is not None else None,
    }
    values = {name: value for name, value in values.items() if value is not None}
    if cursor is None:
        # a first page: its SQL compiled once per process for each set of filters and page size (core.compiled)
        rows = FILTERED_MISSIONS.rows(start=0, stop=limit + 1, shape=shape, **values)
        page = pagination.first_rows(rows, limit=limit, date_field="published_at")
    else:
        filtered = _filtered_missions(shape, **values)
        page = pagination.keyset(filtered, cursor=cursor, limit=limit, date_field="published_at")
    return etag_response(request, _missions_json(request, *page))


def _filtered_rows(shape: tuple, **values):
    """`_filtered_missions` as named tuples of what `_mission` shows (API_FIELDS, the client's region, the métier's
    label), not model instances: fifty instances a page were a quarter of the filtered list in one process at scale
    (issue 21)."""
    shown = ("pk", *API_FIELDS, "client_region", "trade_label")
    return _filtered_missions(shape, **values).values_list(*shown, named=True)


def _filtered_missions(shape: tuple, competence=None, region=None, budget_cents=None):
    """The published missions of the filters asked (`shape`: which are, and `remote`'s value), newest first."""
    has_competence, has_region, remote, has_budget = shape
    queryset = _missions()
    if has_competence:
        queryset = queryset.filter(competences=competence)
    if has_region:
        queryset = queryset.filter(client__region=region)
    if remote is True:
        queryset = queryset.filter(place=Mission.Place.REMOTE)
    elif remote is False:
        queryset = queryset.exclude(place=Mission.Place.REMOTE)
    if has_budget:
        queryset = queryset.filter(budget_cents__gte=budget_cents)
    return queryset.order_by("-published_at", "-pk")


FILTERED_MISSIONS = CompiledSlice(_filtered_rows)


def _missions_page(request: HttpRequest, queryset, cursor: str | None, limit: int) -> str:
    return _missions_json(request, *pagination.keyset(queryset, cursor=cursor, limit=limit, date_field="published_at"))


def _missions_json(request: HttpRequest, items: list, next_cursor: str | None) -> str:
    competences = _competences_of(items)
    url = mission_urls(request)
    return json_body({"items": [_mission(m, competences, url) for m in items], "next_cursor": next_cursor})


@router.get("/missions/{mission_id}", response={200: MissionOut, **ERRORS}, summary="Une mission publiée")
def mission_detail(request: HttpRequest, mission_id: int):
    """Une mission publiée ; une autre (brouillon, attribuée, close) est introuvable."""
    mission = get_object_or_404(_missions(), pk=mission_id)
    return _mission(mission, _competences_of([mission]), mission_urls(request))


# --- Mini-sites and the directory ----------------------------------------------------------------------------


def _site(request: HttpRequest, profile: Profile) -> dict:
    return {
        "slug": profile.slug,
        "name": public_name(profile.member),
        "headline": profile.headline,
        "audience": profile.audience,
        "regions": profile.regions,
        "published_at": profile.published_at,
        "services": [
            {"title": s.title, "description": s.description, "price_cents": s.price_cents, "unit": s.unit}
            for s in profile.services.all()
        ],
        "url": absolute(request, profile.get_absolute_url()),
    }


@router.get("/sites", response={200: page_of(SiteOut), **ETAG_ERRORS}, summary="Mini-sites publiés")
def sites(request: HttpRequest, cursor: str | None = Cursor, limit: int = Limit):
    """Les mini-sites publiés des membres (/c/<slug>/), les plus récents d'abord."""
    queryset = Profile.objects.published().select_related("member").prefetch_related("services")
    items, next_cursor = pagination.keyset(queryset, cursor=cursor, limit=limit)
    return etag_json(request, {"items": [_site(request, p) for p in items], "next_cursor": next_cursor})


@router.get("/sites/{slug}", response={200: SiteDetail, **ERRORS}, summary="Un mini-site publié")
def site_detail(request: HttpRequest, slug: str = Slug):
    """Un mini-site publié : prestations, réalisations, titres avec leur page de vérification, attestations."""

    def render() -> str:
        profile = get_object_or_404(
            Profile.objects.published().select_related("member").prefetch_related("services", "portfolio"), slug=slug
        )
        payload = {
            **_site(request, profile),
            "how_i_work": profile.how_i_work,
            "availability_note": profile.availability_note,
            "portfolio": [
                {"title": p.title, "description": p.description, "link": p.link} for p in profile.portfolio.all()
            ],
            "titles": [
                {
                    "name": c.name,
                    "status": "révoqué" if c.is_revoked else "valide",
                    "verification_url": credential_url(c),
                }
                for c in recognitions.credentials_of(profile.member_id)
            ],
            "attested": recognitions.attested_competences([profile.member_id])[profile.member_id],
        }
        # what django-ninja would answer: the schema's fields, written by its JSON renderer
        return JSONRenderer().render(request, SiteDetail.model_validate(payload).model_dump(), response_status=200)

    # Public, the same for every caller: kept (core.fragments.cached) while none of the tables it read changes — the
    # page, its services and portfolio, the member, their titles and attestations — as the mini-site's page is.
    # The rate limits above still count this request. The host is in the name: the answer's addresses are absolute.
    (body,) = fragments.cached([(f"api.site:{request.get_host()}:{slug}", render)], member_id=None)
    return HttpResponse(body, content_type=JSONRenderer.media_type)


@router.get("/annuaire", response={200: page_of(DirectoryCard), **ETAG_ERRORS}, summary="L'annuaire")
def directory_list(
    request: HttpRequest,
    region: Region | None = MemberRegion,
    competence: int | None = ProvenCompetence,
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """L'annuaire comme sur /annuaire/ : pertinence (compétences prouvées par un jury ou un client), puis rotation
    du jour."""
    found = None
    if competence is not None:
        found = Competence.objects.filter(pk=competence).first()
        if found is None:
            raise InvalidInput(_("Cette compétence n'existe pas."))
    ids = directory.ranked_ids(trade="", competence=found, region=region or "", language="", available=False)
    page, next_cursor = pagination.positions(ids, cursor=cursor, limit=limit)
    cards = [
        {
            "slug": p.slug,
            "name": p.name,
            "headline": p.headline,
            "region": p.member.region,
            "titles": p.titles,
            "attested": p.attested,
            "url": absolute(request, p.get_absolute_url()),
        }
        for p in directory.cards(page)
    ]
    return etag_json(request, {"items": cards, "next_cursor": next_cursor})


# --- Public results and credential verification ----------------------------------------------------------------

RESULTS_CACHE_SECONDS = 600


@router.get("/resultats", response={200: ResultsOut, **ETAG_ERRORS}, summary="Nos résultats publics")
def results(request: HttpRequest):
    """Les chiffres de /resultats/ par année : un chiffre qui repose sur moins de `threshold` personnes est masqué."""
    key = f"{outcomes_public.CACHE_KEY}:{outcomes_services.figures_version()}:{translation.get_language()}"
    rows = cache.get(key)
    if rows is None:
        rows = outcomes_public.results_by_year()
        cache.set(key, rows, RESULTS_CACHE_SECONDS)
    keys = ResultsOut.model_fields["years"].annotation.__args__[0].model_fields
    years = [{name: row[name] for name in keys} for row in rows]
    return etag_json(request, {"threshold": settings.OUTCOMES_PUBLIC_MIN_COUNT, "years": years})


@router.post("/verifier", response={200: VerifyOut, **ERRORS}, summary="Vérifier un titre")
def verify(request: HttpRequest, body: VerifyIn):
    """Le même verdict, avec les mêmes raisons, que /verifier/ : schéma, signature, émetteur, révocation, dates."""
    verdict = verification.check(body.credential)
    return {
        "ok": verdict.ok,
        "status": verdict.status,
        "signature_ok": verdict.signature_ok,
        "signature_reason": str(verdict.signature_reason),
        "issuer_bound": verdict.issuer_bound,
        "schema_errors": [str(e) for e in verdict.schema_errors],
        "dates_ok": verdict.dates_ok,
        "dates_reason": str(verdict.dates_reason),
        "refusal": str(verdict.refusal),
        "issued_here": verdict.credential is not None,
        "house": verdict.house.name if verdict.house else None,
    }
