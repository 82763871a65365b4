from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from compagnons.core.models import AuditLog
from compagnons.core.permissions import require_team


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
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "action": action})
