from allauth.account.views import LoginView
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from compagnons.accounts.views import SignupView
from compagnons.api.main import api
from compagnons.core import fragments

admin.site.site_header = "Compagnons — administration"
admin.site.site_title = "Compagnons"

handler500 = "compagnons.core.views.server_error"

urlpatterns = [
    # allauth's login form, the same for every visitor (its CSRF token and nonce filled in at each request): cached
    # as a public page — rendering its form is most of its time. A POST, or ?next=…, goes to allauth as usual.
    # First of the list: Django tries the patterns in order, and this page is often asked.
    path("comptes/login/", fragments.public_page("accounts.login")(LoginView.as_view()), name="account_login"),
    # The API next: its addresses share one prefix, which the app patterns below would otherwise all try first
    # (about 270 of them: 0.5 ms an API request). None of its patterns is a page's (its docs page is api.urls').
    path("api/v1/", api.urls),
    path("", include("compagnons.core.urls")),
    path("", include("compagnons.accounts.urls")),
    path("", include("compagnons.skills.urls")),
    path("", include("compagnons.ledger.urls")),
    path("", include("compagnons.apprenticeship.urls")),
    path("", include("compagnons.missions.urls")),
    path("", include("compagnons.coaching.urls")),
    path("", include("compagnons.community.urls")),
    path("", include("compagnons.credentials.urls")),
    path("", include("compagnons.certification.urls")),
    path("", include("compagnons.funding.urls")),
    path("", include("compagnons.showcase.urls")),
    path("", include("compagnons.learning.urls")),
    path("", include("compagnons.outcomes.urls")),
    path("", include("compagnons.quality.urls")),
    path("", include("compagnons.api.urls")),
    path("comptes/signup/", SignupView.as_view(), name="account_signup"),
    path("comptes/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
