from django.urls import path

from compagnons.learning import views

app_name = "learning"

urlpatterns = [
    # --- Capsules (under /apprendre/capsules/) ---
    # --- Scenarios (under /apprendre/situations/) ---
    path("apprendre/situations/", views.scenarios, name="scenarios"),
    path("apprendre/situations/a-debriefer/", views.runs_to_debrief, name="runs_to_debrief"),
    path("apprendre/situations/equipe/", views.scenario_staff, name="scenario_staff"),
    path("apprendre/situations/equipe/importer/", views.scenario_import, name="scenario_import"),
    path("apprendre/situations/equipe/<slug:slug>/modifier/", views.scenario_edit, name="scenario_edit"),
    path("apprendre/situations/equipe/<slug:slug>/exporter/", views.scenario_export, name="scenario_export"),
    path("apprendre/situations/equipe/<slug:slug>/retirer/", views.scenario_archive, name="scenario_archive"),
    path("apprendre/situations/equipe/<slug:slug>/chiffres/", views.scenario_figures, name="scenario_figures"),
    path("apprendre/situations/parties/<int:pk>/", views.run, name="run"),
    path("apprendre/situations/parties/<int:pk>/choisir/", views.run_choose, name="run_choose"),
    path("apprendre/situations/parties/<int:pk>/partage/", views.run_share, name="run_share"),
    path("apprendre/situations/parties/<int:pk>/debriefing/", views.run_debrief, name="run_debrief"),
    path("apprendre/situations/parties/<int:pk>/comparer/<int:other>/", views.runs_compare, name="runs_compare"),
    path("apprendre/situations/<slug:slug>/", views.scenario, name="scenario"),
    path("apprendre/situations/<slug:slug>/commencer/", views.scenario_start, name="scenario_start"),
]
