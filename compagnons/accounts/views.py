import json

from allauth.account.views import SignupView as AllauthSignupView
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from compagnons.accounts import services
from compagnons.accounts.forms import DeleteAccountForm, GrantCompagnonForm, ProfileForm
from compagnons.accounts.models import User
from compagnons.accounts.permissions import can_manage_members, get_member_for_staff, require_staff
from compagnons.accounts.services import Intent
from compagnons.core import dashboard as dashboard_panels
from compagnons.core import fragments
from compagnons.core.models import AuditLog


@login_required
@fragments.member_page("accounts.dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    user: User = request.user
    context = {
        "roles": user.roles,
        "panels": dashboard_panels.rendered_panels(request),
        "profile_complete": all(getattr(user, f) for f in ("first_name", "last_name", "trade", "region")),
    }
    if can_manage_members(user):
        awaiting = list(User.objects.awaiting_recognition()[:6])
        context["awaiting_recognition"] = awaiting[:5]
        context["more_awaiting"] = len(awaiting) > 5
        context["recent_audit"] = AuditLog.objects.select_related("actor")[:5]
    return render(request, "accounts/dashboard.html", context)


@login_required
@fragments.member_page("accounts.profile")
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(form.instance, changed=form.changed_data)
        messages.success(request, _("Votre profil est enregistré."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def personal_data(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/personal_data.html")


@login_required
@require_POST
def export_data(request: HttpRequest) -> HttpResponse:
    data = services.export_personal_data(request.user, by=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"compagnons-mes-donnees-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.erase_account(user, by=user)
        messages.success(request, _("Votre compte est supprimé et vos données personnelles effacées. Au revoir !"))
        return redirect("core:home")
    return render(request, "accounts/delete_account.html", {"form": form})


@fragments.public_page("charter")
def charter(request: HttpRequest) -> HttpResponse:
    current = services.current_charter()
    if current is None:
        raise Http404
    return render(request, "accounts/charter.html", {"charter": current})


@login_required
@require_http_methods(["GET", "POST"])
def charter_accept(request: HttpRequest) -> HttpResponse:
    current = services.current_charter()
    if current is None:
        return redirect("accounts:dashboard")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    previous = request.user.charter_acceptances.select_related("charter").first()
    if request.method == "POST":
        if request.POST.get("accept") == str(current.version):
            services.accept_charter(request.user, current)
            messages.success(request, _("Merci, vous avez accepté la charte d'entraide."))
            return redirect(next_url or "accounts:dashboard")
        messages.error(request, _("Cochez la case pour accepter la charte, ou revenez plus tard."))
    return render(
        request,
        "accounts/charter_accept.html",
        {"charter": current, "previous": previous, "next": next_url},
    )


@login_required
@require_http_methods(["GET"])
def recognition_requests(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    members = User.objects.awaiting_recognition()[:100]
    return render(
        request,
        "accounts/recognition_requests.html",
        {"members": members, "form": GrantCompagnonForm()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def recognise_compagnon(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_member_for_staff(request.user, pk)
    form = GrantCompagnonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.recognise_founding_compagnon(member, by=request.user, evidence=form.cleaned_data["evidence"])
        messages.success(request, _("%(name)s est reconnu·e compagnon fondateur.") % {"name": member.display_name})
        return redirect("accounts:recognition_requests")
    return render(request, "accounts/recognise_compagnon.html", {"member": member, "form": form})


class SignupView(AllauthSignupView):
    """Allauth's sign-up, with "what you come for" pre-ticked from the home page's calls to action."""

    def get_initial(self):
        initial = super().get_initial()
        intent = self.request.GET.get("pour")
        if intent in {Intent.LEARN, Intent.POST_MISSIONS, Intent.TRANSMIT}:
            initial["intents"] = [intent]
        return initial
