from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from compagnons.core import fragments
from compagnons.core.exceptions import Refused
from compagnons.core.ids import parse_id
from compagnons.core.permissions import require_team
from compagnons.core.refusals import refused
from compagnons.ledger import balances, giveback, permissions, report, services
from compagnons.ledger.forms import AdjustForm, DeclareHelpForm, ReverseForm
from compagnons.ledger.models import Account, Movement, Transaction


def _ledger_context(member, account) -> dict:
    # The latest 50 entries from the account's own movements, each with its transaction (one query, no DISTINCT
    # over the transactions nor prefetch of all their movements); a transaction is listed once.
    movements = (
        Movement.objects.filter(account=account)
        .select_related("transaction__beneficiary", "transaction__confirmer")
        .order_by("-transaction__created_at", "-transaction_id", "pk")[:50]
    )
    rows, seen = [], set()
    for movement in movements:
        if movement.transaction_id not in seen:
            seen.add(movement.transaction_id)
            rows.append({"tx": movement.transaction, "minutes": movement.minutes})
    summary = report.summary(account)
    return {
        "member": member,
        "summary": summary,
        "rows": rows,
        "standing": balances.standing(member, current=summary["balance"]),
    }


@login_required
@fragments.member_page("ledger.contributions")
@require_safe
def contributions(request: HttpRequest) -> HttpResponse:
    """What I gave and received, my pending entries, and open ways to give back."""
    account = services.account_of(request.user)
    context = _ledger_context(request.user, account)
    context["to_confirm"] = Transaction.objects.filter(
        confirmer=request.user, state=Transaction.State.PENDING
    ).select_related("beneficiary")[:20]
    context["ways"] = giveback.ways_for(request.user)
    return render(request, "ledger/contributions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest) -> HttpResponse:
    form = DeclareHelpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_help(
                request.user,
                form.receiver,
                kind=form.cleaned_data["kind"],
                minutes=form.cleaned_data["minutes"],
                note=form.cleaned_data["note"],
                request_id=form.request_key(),
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("C'est noté : la personne aidée va confirmer."))
            return redirect("ledger:contributions")
    return render(request, "ledger/declare.html", {"form": form})


@login_required
@require_POST
def answer(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in ("confirmer", "refuser"):
        raise Http404
    tx = permissions.get_help_for_confirmer(request.user, pk)
    try:
        if decision == "confirmer":
            services.confirm(tx, by=request.user)
            messages.success(request, _("Merci : cette aide compte désormais."))
        else:
            services.decline(tx, by=request.user)
    except Refused as error:
        return refused(request, error, "ledger:contributions")
    return redirect("ledger:contributions")


@login_required
@fragments.member_page("ledger.staff_overview")
@require_safe
def staff_overview(request: HttpRequest) -> HttpResponse:
    """Members below the floor (from the cached balances; `ledger_audit` keeps the cache honest)."""
    require_team(request.user)
    flagged = (
        Account.objects.filter(kind=Account.Kind.MEMBER, cached_balance__lt=settings.LEDGER_BALANCE_FLOOR_MINUTES)
        .exclude(owner__role_grants__role="apprentice")
        .select_related("owner")
        .order_by("cached_balance")[:100]
    )
    return render(request, "ledger/staff_overview.html", {"flagged": flagged})


@login_required
@fragments.member_page("ledger.staff_member")
@require_http_methods(["GET", "POST"])
def staff_member(request: HttpRequest, member_id: int) -> HttpResponse:
    member = permissions.get_member_for_staff(request.user, member_id)
    account = services.account_of(member)
    adjust_form = AdjustForm(request.POST if "adjust" in request.POST else None)
    reverse_form = ReverseForm(request.POST if "reverse" in request.POST else None)
    if request.method == "POST":
        try:
            if "adjust" in request.POST and adjust_form.is_valid():
                services.adjust(
                    member,
                    adjust_form.cleaned_data["minutes"],
                    by=request.user,
                    reason=adjust_form.cleaned_data["reason"],
                    request_id=adjust_form.request_key(),
                )
                messages.success(request, _("Ajustement enregistré."))
                return redirect("ledger:staff_member", member_id=member.pk)
            if "reverse" in request.POST and reverse_form.is_valid():
                tx_id = parse_id(request.POST.get("transaction"))
                if tx_id is None:
                    raise Http404
                tx = permissions.get_transaction_of_account_for_staff(request.user, tx_id, account)
                services.reverse(tx, by=request.user, reason=reverse_form.cleaned_data["reason"])
                messages.success(request, _("Contre-passation enregistrée."))
                return redirect("ledger:staff_member", member_id=member.pk)
        except Refused as error:
            messages.error(request, str(error))
    context = _ledger_context(member, account)
    context.update({"adjust_form": adjust_form, "reverse_form": reverse_form})
    return render(request, "ledger/staff_member.html", context)
