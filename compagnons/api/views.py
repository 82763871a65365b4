from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from compagnons.api import services
from compagnons.api.docs import operations
from compagnons.api.forms import TokenForm
from compagnons.api.models import AccessToken
from compagnons.core.exceptions import Refused
from compagnons.core.refusals import refused


@require_safe
def docs(request: HttpRequest) -> HttpResponse:
    """The API's documentation, drawn on the server from the live OpenAPI document: no script, no CDN, under the
    site's CSP."""
    return render(request, "api/docs.html", {"groups": operations()})


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """The member's tokens: create one (its secret is shown once, on this answer only), see their last use."""
    form = TokenForm(request.POST or None, user=request.user)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.create_token(
                request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
                by=request.user,
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            form = TokenForm(user=request.user)
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "secret": secret, "tokens": AccessToken.objects.filter(user=request.user)},
        status=422 if request.method == "POST" and form.errors else 200,
    )
    response["Cache-Control"] = "no-store"  # the secret is in it
    return response


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(AccessToken, pk=pk, user=request.user)
    try:
        services.revoke_token(token, by=request.user)
    except Refused as error:
        return refused(request, error, "api:tokens")
    messages.success(request, _("Jeton révoqué : il ne donne plus accès à rien."))
    return redirect("api:tokens")
