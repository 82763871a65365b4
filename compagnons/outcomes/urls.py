from django.urls import path

from compagnons.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("resultats/", views.results, name="results"),
    path("le-parcours/", views.path, name="path"),
    path("suivi/reponse/<int:pk>/<str:token>/", views.answer, name="answer"),
    path("suivi/tableau/", views.dashboard, name="dashboard"),
    path("suivi/tableau/personnes/", views.people, name="people"),
    path("suivi/tableau/indicateurs.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("suivi/tableau/indicateurs.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("suivi/enquetes/", views.follow_ups, name="follow_ups"),
    path("suivi/enquetes/<int:pk>/saisie/", views.record, name="record"),
]
