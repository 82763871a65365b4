"""Authentication by personal access token (`Authorization: Bearer cpat_…`), one scope per operation, and the
rate limits per token and per IP address (core.ratelimit: the same counters as the rest of the platform)."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
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


class Limits(BaseThrottle):
    """Per IP address for every request; per token too when one authenticated the request. 429 with Retry-After."""

    def allow_request(self, request: HttpRequest) -> bool:
        window = settings.API_RATE_LIMIT_WINDOW_SECONDS
        token = getattr(request, "auth", None)
        if isinstance(token, AccessToken) and not ratelimit.hit(
            ratelimit.key_for("api-token", token.pk), settings.API_RATE_LIMIT_PER_TOKEN, window
        ):
            return False
        return ratelimit.hit(
            ratelimit.key_for("api-ip", client_ip(request) or "?"), settings.API_RATE_LIMIT_PER_IP, window
        )

    def wait(self) -> int:
        return settings.API_RATE_LIMIT_WINDOW_SECONDS


def user_of(request: HttpRequest):
    return request.auth.user
