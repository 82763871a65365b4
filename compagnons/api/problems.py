"""Errors as `application/problem+json` (RFC 9457): a French title, the status, a detail for people, and for
invalid input the list of what is wrong. Every operation documents 401, 403, 404, 422 and 429 with this schema."""

import json

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError

from compagnons.core.exceptions import PermissionRefused, Refused

PROBLEM_TYPE = "application/problem+json"


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: list[dict] | None = None


ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}


class Forbidden(Exception):
    """The token is valid but lacks the scope, or its holder may not do this."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class InvalidInput(Exception):
    def __init__(self, detail: str, errors: list[dict] | None = None):
        super().__init__(detail)
        self.detail, self.errors = detail, errors


TITLES = {
    400: "Requête mal formée",
    401: "Authentification requise",
    403: "Accès refusé",
    404: "Introuvable",
    405: "Méthode non permise",
    422: "Données invalides",
    429: "Trop de requêtes",
    500: "Erreur du serveur",
}


def problem(status: int, detail: str = "", *, errors: list[dict] | None = None, headers=None) -> HttpResponse:
    body = {"type": "about:blank", "title": TITLES.get(status, TITLES[500]), "status": status, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _clean_errors(errors) -> list[dict]:
    """Pydantic's errors without the raw input (it may be large, or personal)."""
    return [
        {"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", ""))}
        for error in errors
        if isinstance(error, dict)
    ]


def install(api) -> None:
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return problem(422, _("Certaines valeurs envoyées ne conviennent pas."), errors=_clean_errors(exc.errors))

    def on_invalid(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
        return problem(422, exc.detail, errors=exc.errors)

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem(401, _("Un jeton d'accès valide est requis : en-tête « Authorization: Bearer <jeton> »."))
        response["WWW-Authenticate"] = 'Bearer realm="compagnons"'
        return response

    def on_forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        detail = getattr(exc, "detail", "") or _("Vous n'avez pas accès à cette ressource.")
        return problem(403, str(detail))

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(404, _("Cette ressource n'existe pas, ou n'est pas publique."))

    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = int(exc.wait or settings.API_RATE_LIMIT_WINDOW_SECONDS)
        return problem(
            429, _("Trop de requêtes : réessayez dans %(n)s secondes.") % {"n": wait}, headers={"Retry-After": wait}
        )

    def on_refused(request: HttpRequest, exc: Refused) -> HttpResponse:
        # The services' own refusals (same rules, same words as the web pages).
        return problem(403 if isinstance(exc, PermissionRefused) else 422, str(exc))

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:  # a body the parser could not read: our parser says why
            cause = exc.__cause__
            detail = cause.detail if isinstance(cause, InvalidInput) else _("Le corps de la requête est illisible.")
            return problem(422, detail)
        return problem(exc.status_code, str(exc.message))

    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(InvalidInput, on_invalid)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(AuthorizationError, on_forbidden)
    api.add_exception_handler(Forbidden, on_forbidden)
    api.add_exception_handler(PermissionDenied, on_forbidden)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(Throttled, on_throttled)
    api.add_exception_handler(Refused, on_refused)
    api.add_exception_handler(HttpError, on_http_error)
