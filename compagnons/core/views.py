from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from compagnons.core import fragments, health, sites, worker
from compagnons.core.ids import parse_page
from compagnons.core.models import AuditLog, Site
from compagnons.core.permissions import require_team
from compagnons.core.site_forms import SiteForm

AUDIT_PAGE_SIZE = 50
TASKS_PAGE_SIZE = 50


@fragments.public_page("home")
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@require_safe
def ok(request: HttpRequest) -> HttpResponse:
    """Health check, and the bare baseline of `make bench`."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_safe
def health_check(request: HttpRequest) -> JsonResponse:
    """For the monitoring: 200 when the site can serve, 503 otherwise (docs/operations.md)."""
    healthy, body = health.report()
    return JsonResponse(body, status=200 if healthy else 503)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: in French, without touching the database (it may be the cause). The database or its connection
    lost → 503 « momentanément indisponible », with Retry-After; anything else → 500."""
    import sys

    from django.db import InterfaceError, OperationalError
    from django.template.loader import render_to_string

    error = sys.exc_info()[1]
    unavailable = isinstance(error, (OperationalError, InterfaceError))
    title = _("Site momentanément indisponible") if unavailable else _("Erreur du serveur")
    # No request in the context: the context processors would read the session, hence the database.
    body = render_to_string("503.html" if unavailable else "500.html", {"title": title})
    response = HttpResponse(body, status=503 if unavailable else 500)
    if unavailable:
        response["Retry-After"] = "60"
    return response


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


@login_required
@fragments.member_page("core.audit_log")
@require_safe
def audit_log(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    entries = AuditLog.objects.select_related("actor", "target_type")
    action = request.GET.get("action", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    # No COUNT(*) over a table that grows for ever: fetch one row more than a page to know if there is a next.
    number = parse_page(request.GET.get("page"))
    start = (number - 1) * AUDIT_PAGE_SIZE
    rows = list(entries[start : start + AUDIT_PAGE_SIZE + 1])
    return render(
        request,
        "core/audit_log.html",
        {
            "entries": rows[:AUDIT_PAGE_SIZE],
            "number": number,
            "has_next": len(rows) > AUDIT_PAGE_SIZE,
            "action": action,
            "action_query": urlencode({"action": action}),
        },
    )


def client_ip(request: HttpRequest) -> str | None:
    """The client's address; behind our own proxies (BEHIND_PROXY), the entry they added to X-Forwarded-For."""
    from django.conf import settings

    proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


@login_required
@fragments.member_page("core.failed_tasks")
@require_safe
def failed_tasks(request: HttpRequest) -> HttpResponse:
    """The background tasks that failed after every retry, with their error, for the team to look at and relaunch."""
    require_team(request.user)
    from django_tasks_db.models import DBTaskResult

    number = parse_page(request.GET.get("page"))
    start = (number - 1) * TASKS_PAGE_SIZE
    results = (
        DBTaskResult.objects.failed()
        .order_by("-finished_at")
        .only("id", "task_path", "finished_at", "enqueued_at", "worker_ids", "exception_class_path", "traceback")
    )
    rows = list(results[start : start + TASKS_PAGE_SIZE + 1])
    for row in rows[:TASKS_PAGE_SIZE]:
        lines = [line for line in row.traceback.strip().splitlines() if line.strip()]
        row.error = lines[-1] if lines else row.exception_class_path
        row.attempts = worker.attempts(row)
    return render(
        request,
        "core/failed_tasks.html",
        {"results": rows[:TASKS_PAGE_SIZE], "number": number, "has_next": len(rows) > TASKS_PAGE_SIZE},
    )


@login_required
@require_POST
def retry_task(request: HttpRequest, pk) -> HttpResponse:
    require_team(request.user)
    from django_tasks_db.models import DBTaskResult

    result = get_object_or_404(DBTaskResult, pk=pk)
    worker.retry(result, by=request.user)
    messages.success(request, _("La tâche est relancée : le travailleur la reprend dans un instant."))
    return redirect("core:failed_tasks")


# --- Sites (docs/sites.md) ----------------------------------------------------------------

SITEMAP_PAGES = [
    "core:home",
    "accounts:charter",
    "skills:referentiel",
    "missions:list",
    "showcase:directory",
    "apprenticeship:chain",
    "outcomes:path",
    "outcomes:results",
]


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Per site: the sitemap named with the request's own host."""
    base = f"{request.scheme}://{request.get_host()}"
    lines = ["User-agent: *", "Disallow: /equipe/", "Disallow: /admin/", f"Sitemap: {base}/sitemap.xml"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    """The public pages, with the request host's absolute addresses (so each site lists its own)."""
    base = f"{request.scheme}://{request.get_host()}"
    urls = [base + reverse(name) for name in SITEMAP_PAGES]
    return render(request, "core/sitemap.xml", {"urls": urls}, content_type="application/xml; charset=utf-8")


@login_required
@require_safe
def site_list(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    sites = Site.objects.prefetch_related("hosts")
    return render(request, "core/site_list.html", {"sites": sites})


@login_required
def site_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_team(request.user)
    site = get_object_or_404(Site, pk=pk) if pk is not None else Site()
    form = SiteForm(request.POST or None, request.FILES or None, instance=site)
    if request.method == "POST" and form.is_valid():
        sites.save_site(
            form.save(commit=False),
            hosts=form.cleaned_data["hosts"],
            by=request.user,
            logo=form.cleaned_data["new_logo"],
            remove_logo=form.cleaned_data.get("remove_logo", False),
        )
        messages.success(request, _("Le site « %(name)s » est enregistré.") % {"name": site.name})
        return redirect("core:site_list")
    # `edited`, not `site`: that one is the request's site, whose branding the page wears.
    return render(request, "core/site_form.html", {"form": form, "edited": site if pk is not None else None})
