"""Authentication by personal access token (`Authorization: Bearer cpat_…`), one scope per operation, and the
rate limits per token and per IP address (core.ratelimit: the same counters as the rest of the platform)."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import Throttled
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from compagnons.api import services, tokens
from compagnons.api.models import TEAM_SCOPES, AccessToken
from compagnons.api.problems import Forbidden
from compagnons.core import ratelimit
from compagnons.core.permissions import is_team
from compagnons.core.views import client_ip


class TokenAuth(HttpBearer):
    """A usable token holding `scope`; 401 without one, 403 without the scope (or without the team for staff
    scopes)."""

    openapi_scheme = "bearer"

    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest):
        """The address is counted before the token is looked at: guessing tokens, or calling without one, spends
        the per-IP allowance like any other request (429 once it is spent), not only the requests that pass."""
        if not count_address(request):
            raise Throttled(wait=settings.API_RATE_LIMIT_WINDOW_SECONDS)
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> AccessToken | None:
        found = tokens.find(token)
        if found is None:
            return None
        if self.scope not in found.scopes:
            raise Forbidden(_("Ce jeton n'a pas le droit « %(scope)s ».") % {"scope": self.scope})
        if self.scope in TEAM_SCOPES and not is_team(found.user):
            raise Forbidden(_("Ce droit est réservé à l'équipe."))
        services.mark_used(found)
        return found


def count_address(request: HttpRequest) -> bool:
    """Count this request against its IP address's allowance, once per request; False past the limit."""
    allowed = getattr(request, "_api_address_allowed", None)
    if allowed is None:
        allowed = ratelimit.hit(
            ratelimit.key_for("api-ip", client_ip(request) or "?"),
            settings.API_RATE_LIMIT_PER_IP,
            settings.API_RATE_LIMIT_WINDOW_SECONDS,
        )
        request._api_address_allowed = allowed
    return allowed


class Limits(BaseThrottle):
    """Per IP address for every request (already counted by TokenAuth when the operation takes a token); per token
    too when one authenticated the request. 429 with Retry-After. One query each on the database counter."""

    def allow_request(self, request: HttpRequest) -> bool:
        if not count_address(request):
            return False
        token = getattr(request, "auth", None)
        return not isinstance(token, AccessToken) or ratelimit.hit(
            ratelimit.key_for("api-token", token.pk),
            settings.API_RATE_LIMIT_PER_TOKEN,
            settings.API_RATE_LIMIT_WINDOW_SECONDS,
        )

    def wait(self) -> int:
        return settings.API_RATE_LIMIT_WINDOW_SECONDS


def user_of(request: HttpRequest):
    return request.auth.user
