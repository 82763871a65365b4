from django.urls import path

from compagnons.api import views

app_name = "api"

urlpatterns = [
    path("api/v1/docs/", views.docs, name="docs"),
    path("espace/profil/jetons/", views.tokens, name="tokens"),
    path("espace/profil/jetons/<int:pk>/revoquer/", views.revoke, name="revoke"),
]
