from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from compagnons.apprenticeship.models import Cohort, Funding
from compagnons.core import audit, fragments, reports, tokens
from compagnons.core.exceptions import Refused
from compagnons.core.ids import parse_id
from compagnons.core.permissions import require_team
from compagnons.core.replica import reads_from_replica
from compagnons.outcomes import charts, exports, indicators, links, panels, permissions, public, services
from compagnons.outcomes.forms import AnswerForm, FiltersForm
from compagnons.outcomes.indicators import HOLDERS, LEAVERS
from compagnons.outcomes.models import FollowUp
from compagnons.skills.models import Certification

COHORTS_PER_PAGE = 20
PEOPLE_PER_PAGE = 50
SIX, TWO_YEARS = FollowUp.Wave.SIX_MONTHS, FollowUp.Wave.TWO_YEARS


# --- The person's survey, through their personal link (no login) ------------------------------------------


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    follow_up = FollowUp.objects.select_related("exit__member", "exit__cohort").filter(pk=pk).first()
    if follow_up is None:
        raise Http404
    try:
        links.check_link(follow_up, token)
    except tokens.InvalidLink as error:
        return tokens.refused(request, error)
    if follow_up.answered_at is not None:
        return render(request, "outcomes/answer_done.html", {"follow_up": follow_up})
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_by_link(follow_up, form.answer())
        except Refused as error:
            form.add_error(None, str(error))
        else:
            return redirect("outcomes:answer", pk=pk, token=token)
    return render(request, "outcomes/answer.html", {"form": form, "follow_up": follow_up})


# --- Staff: the dashboard, the people behind a figure, the exports ------------------------------------------


def _filters(request: HttpRequest):
    form = FiltersForm(request.GET or None)
    return form, form.filters()


@login_required
@fragments.member_page("outcomes_dashboard")
@require_safe
@reads_from_replica
def dashboard(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    form, filters = _filters(request)
    page = Paginator(filters.cohorts().order_by("-starts_on", "name"), COHORTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = filters.as_query()
    language = translation.get_language()
    key = f"outcomes:dashboard:{services.figures_version()}:{language}:{urlencode(sorted(query.items()))}:{page.number}"
    figures = cache.get(key)
    if figures is None:
        figures = _dashboard_figures(filters, list(page.object_list))
        cache.set(key, figures, FIGURES_CACHE_SECONDS)
    rows = figures["rows"]
    for row in rows:  # each cohort's figures lead to that cohort's people
        row.people_query = urlencode({**query, "cohort": row.cohort.pk}) + "&"
    for year_row in figures["years"]:
        year_row.people_query = urlencode({**query, "year": year_row.year}) + "&"
    context = {
        "form": form,
        "page": page,
        "query": urlencode(query),
        "people_query": urlencode(query) + ("&" if query else ""),
        **figures,
    }
    context["report_sections"] = reports.rendered_sections(request, [row.cohort.pk for row in rows])
    return render(request, "outcomes/dashboard.html", context)


FIGURES_CACHE_SECONDS = 300


def _dashboard_figures(filters, cohorts: list) -> dict:
    """The heavy part of the dashboard (aggregates over every exit and survey), cached FIGURES_CACHE_SECONDS per
    filter set and page, and recomputed at once after a new answer or exit (services.figures_version)."""
    report = indicators.report(filters)
    years = indicators.year_rows(filters)
    rows = indicators.cohort_rows(cohorts, filters)
    year_labels = [str(row.year) for row in years]
    return {
        "report": report,
        "years": years,
        "rows": rows,
        "insertion_rows": [
            (_("Titulaires, à 6 mois"), report.insertion[(SIX, HOLDERS)]),
            (_("Titulaires, à 2 ans"), report.insertion[(TWO_YEARS, HOLDERS)]),
            (_("Indicateur interne : tous les sortants, à 6 mois"), report.insertion[(SIX, LEAVERS)]),
            (_("Indicateur interne : tous les sortants, à 2 ans"), report.insertion[(TWO_YEARS, LEAVERS)]),
        ],
        "insertion_chart": charts.bar_chart(
            _("Insertion des titulaires, par année de certification (%)"),
            year_labels,
            [
                (_("Globale à 6 mois"), [row.six_months.overall.pct for row in years]),
                (_("Dans le métier à 6 mois"), [row.six_months.trade.pct for row in years]),
                (_("Dans le métier à 2 ans"), [row.two_years.trade.pct for row in years]),
            ],
        )
        if years
        else None,
        "path_chart": charts.bar_chart(
            _("Parcours, par promotion (%)"),
            [row.cohort.name for row in rows],
            [
                (_("Parcours terminés"), [row.path.completion.pct for row in rows]),
                (_("Abandons"), [row.path.dropout.pct for row in rows]),
                (_("Certifiés"), [row.path.certification.pct for row in rows]),
            ],
        )
        if rows
        else None,
    }


@login_required
@fragments.member_page("outcomes_people")
@require_safe
def people(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    form, filters = _filters(request)
    key = request.GET.get("figure", "")
    found = indicators.people(filters, key)
    if found is None:
        raise Http404
    kind, rows = found
    page = Paginator(rows, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    query = {**filters.as_query(), "figure": key}
    return render(
        request,
        "outcomes/people.html",
        {"kind": kind, "page": page, "figure": key, "query": urlencode(query), "filters": filters, "form": form},
    )


@login_required
@require_safe
@reads_from_replica
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    require_team(request.user)
    _form, filters = _filters(request)
    stamp = timezone.localdate().isoformat()
    audit.log(request.user, "outcomes.exported", None, format=fmt, **filters.as_query())
    if fmt == "csv":
        response = HttpResponse(exports.indicators_csv(filters), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.indicators_xlsx(filters),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="indicateurs-{stamp}.{fmt}"'
    return response


# --- Staff: surveys to take by phone --------------------------------------------------------------------


FOLLOW_UPS_LOOKBACK_DAYS = panels.PHONE_LIST_DAYS


@login_required
@fragments.member_page("outcomes_follow_ups")
@require_safe
def follow_ups(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    wave = request.GET.get("wave", "")
    due = FollowUp.objects.due().unanswered().select_related("exit__member", "exit__cohort").order_by("due_on", "pk")
    if parse_id(wave) in FollowUp.Wave.values:  # « ² » passes isdigit() but not int()
        due = due.filter(wave=parse_id(wave))
    page = Paginator(due, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "outcomes/follow_ups.html",
        {"page": page, "wave": wave, "waves": FollowUp.Wave.choices, "query": urlencode({"wave": wave})},
    )


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, pk: int) -> HttpResponse:
    require_team(request.user)
    follow_up = permissions.get_follow_up_for_staff(request.user, pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_by_phone(follow_up, form.answer(), by=request.user)
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Réponse enregistrée, à votre nom et à la date d'aujourd'hui."))
            return redirect("outcomes:follow_ups")
    return render(request, "outcomes/record.html", {"form": form, "follow_up": follow_up})


# --- Public results (Qualiopi 1–3) -------------------------------------------------------------------------

RESULTS_CACHE_SECONDS = 600


def _public_rows() -> list[dict]:
    """The public figures by year, cached until new figures (shared by /resultats/ and /le-parcours/)."""
    key = f"{public.CACHE_KEY}:{services.figures_version()}:{translation.get_language()}"
    rows = cache.get(key)
    if rows is None:
        rows = public.results_by_year()
        cache.set(key, rows, RESULTS_CACHE_SECONDS)
    return rows


@fragments.public_page("results")
@require_safe
@reads_from_replica
def results(request: HttpRequest) -> HttpResponse:
    rows = _public_rows()
    return render(
        request,
        "outcomes/results.html",
        {"rows": rows, "threshold": settings.OUTCOMES_PUBLIC_MIN_COUNT, "chart": public.chart(rows)},
    )


# --- « Le parcours »: how the path works, for a visitor ------------------------------------------------------

PATH_RESULT_YEARS = 3
PATH_COHORTS_SHOWN = 6
FUNDING_EXPLAINED = {
    Funding.CPF: gettext_lazy(
        "Votre compte personnel de formation, pour une certification enregistrée au répertoire national (RNCP) "
        "ou au répertoire spécifique (RS)."
    ),
    Funding.OPCO: gettext_lazy("L'opérateur de compétences de votre employeur, si vous êtes salarié·e."),
    Funding.FRANCE_TRAVAIL: gettext_lazy("Si vous êtes inscrit·e à France Travail comme demandeur d'emploi."),
    Funding.REGION: gettext_lazy("Le conseil régional, quand il finance la promotion."),
    Funding.SELF: gettext_lazy(
        "Vous payez vous-même : un contrat de formation est signé avant l'inscription. Vous avez 10 jours pour "
        "vous rétracter, rien ne vous est demandé avant la fin de ce délai, et le premier paiement ne dépasse pas "
        "30 % du prix (Code du travail, L6353-3 à L6353-7)."
    ),
    Funding.SOLIDARITY: gettext_lazy("L'association prend le parcours en charge."),
}


@fragments.public_page("path")
@require_safe
def path(request: HttpRequest) -> HttpResponse:
    """Public: the stages and what each asks, the blocs of the certification in force, the open cohorts (their
    dates and funding), how funding works, and the public results of past cohorts. Four queries once the results
    are cached."""
    certification = Certification.objects.current()
    blocks = (
        list(certification.blocks.annotate(competence_count=Count("competences")).order_by("position", "code"))
        if certification
        else []
    )
    today = timezone.localdate()
    cohorts = list(
        Cohort.objects.filter(open_for_requests=True, ends_on__gte=today).order_by("starts_on", "name")[
            :PATH_COHORTS_SHOWN
        ]
    )
    for cohort in cohorts:
        cohort.months = max(1, round((cohort.ends_on - cohort.starts_on).days / 30.44))
    return render(
        request,
        "outcomes/path.html",
        {
            "certification": certification,
            "blocks": blocks,
            "cohorts": cohorts,
            "funding": [(label, FUNDING_EXPLAINED[value]) for value, label in Funding.choices],
            "rows": [
                {"year": row["year"], "path_figures": [row["completion"], row["certification"], row["insertion_6"]]}
                for row in _public_rows()[:PATH_RESULT_YEARS]
            ],
            "threshold": settings.OUTCOMES_PUBLIC_MIN_COUNT,
        },
    )
