from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from compagnons.core.ids import parse_page
from compagnons.core.models import AuditLog
from compagnons.core.permissions import require_team

AUDIT_PAGE_SIZE = 50


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@require_safe
def ok(request: HttpRequest) -> HttpResponse:
    """Health check, and the bare baseline of `make bench`."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


@login_required
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
