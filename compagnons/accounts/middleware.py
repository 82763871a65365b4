import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from compagnons.accounts import services
from compagnons.core.permissions import is_team

# Paths a member may reach before accepting the current charter: reading and accepting it,
# their account (log out, e-mail, password, MFA), and their personal data rights.
CHARTER_EXEMPT_PREFIXES = (
    "/charte/",
    "/comptes/",
    "/static/",
    "/media/",
    "/i18n/",
    "/ok",
    "/espace/donnees/",
    "/confidentialite/",
)


CHARTER_KEY = "charter_accepted"


class CharterMiddleware:
    """Members must accept the current charte d'entraide before going on (a new version asks again). An acceptance
    is never withdrawn: once found, the version accepted is kept in the session, and the next requests ask the
    database nothing (a new version has another id, and is asked again)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(CHARTER_EXEMPT_PREFIXES):
            charter_id = services.current_charter_id()
            if charter_id and request.session.get(CHARTER_KEY) == charter_id:
                user._accepted_charter_id = charter_id  # what has_accepted_current_charter reads first
            elif not services.has_accepted_current_charter(user):
                url = reverse("accounts:charter_accept")
                return redirect(f"{url}?next={request.get_full_path()}" if request.method == "GET" else url)
            elif charter_id:
                request.session[CHARTER_KEY] = charter_id
        return self.get_response(request)


# Paths a team member without double authentication may still reach: setting it up (allauth's /comptes/2fa/),
# logging out, static files, the monitoring.
MFA_EXEMPT_PREFIXES = ("/comptes/", "/static/", "/media/", "/i18n/", "/ok", "/sante/")
DEMO_DOMAIN = "@demo.test"
SEEN_KEY = "seen_at"
SEEN_REFRESH_SECONDS = 300


class StaffMFAMiddleware:
    """Team members must have double authentication (an authenticator app, allauth MFA) before any page: without
    one, they are sent to set it up. With DEBUG=1 only, the demo's accounts are exempt (a banner says so), so that
    the demo stays two commands away. STAFF_MFA_REQUIRED turns the rule off (the test settings only)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if settings.STAFF_MFA_REQUIRED and is_team(user) and not request.path.startswith(MFA_EXEMPT_PREFIXES):
            if settings.DEBUG and user.email.lower().endswith(DEMO_DOMAIN):
                request.staff_mfa_exempt = True
            elif not services.has_mfa(user):
                messages.warning(
                    request,
                    _(
                        "Les membres de l'équipe protègent leur compte par une double authentification. Activez-la "
                        "avec une application d'authentification pour continuer."
                    ),
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)


class IdleSessionMiddleware:
    """A session ends after SESSION_IDLE_MINUTES without a request. The time of the last request is written at
    most every five minutes (not one write per request); logging in writes it first (security_events.on_login)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            seen = request.session.get(SEEN_KEY)
            if seen is not None and now - seen > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    _("Votre session a pris fin après %(n)d minutes sans activité : reconnectez-vous.")
                    % {"n": settings.SESSION_IDLE_MINUTES},
                )
                return redirect(f"{reverse('account_login')}?next={request.get_full_path()}")
            if seen is None or now - seen > SEEN_REFRESH_SECONDS:
                request.session[SEEN_KEY] = now
        return self.get_response(request)
