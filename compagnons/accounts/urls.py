from django.urls import path

from compagnons.accounts import views

app_name = "accounts"
urlpatterns = [
    path("espace/", views.dashboard, name="dashboard"),
    path("espace/profil/", views.profile, name="profile"),
    path("espace/donnees/", views.personal_data, name="personal_data"),
    path("espace/donnees/export/", views.export_data, name="export"),
    path("espace/donnees/supprimer/", views.delete_account, name="delete"),
    path("charte/", views.charter, name="charter"),
    path("charte/accepter/", views.charter_accept, name="charter_accept"),
    path("equipe/reconnaissances/", views.recognition_requests, name="recognition_requests"),
    path("equipe/membres/<int:pk>/reconnaitre/", views.recognise_compagnon, name="recognise_compagnon"),
]
