from django.shortcuts import redirect
from django.urls import reverse

from compagnons.accounts import services

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


class CharterMiddleware:
    """Members must accept the current charte d'entraide before going on (a new version asks again)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(CHARTER_EXEMPT_PREFIXES)
            and not services.has_accepted_current_charter(user)
        ):
            url = reverse("accounts:charter_accept")
            return redirect(f"{url}?next={request.get_full_path()}" if request.method == "GET" else url)
        return self.get_response(request)
