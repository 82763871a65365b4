from django.urls import path

from compagnons.learning import views

app_name = "learning"

urlpatterns = [
    # --- Capsules (under /apprendre/capsules/) ---
    path("apprendre/", views.home, name="home"),
    path("apprendre/capsules/<slug:slug>/", views.capsule, name="capsule"),
    path("apprendre/capsules/<slug:slug>/lu/", views.capsule_read, name="capsule_read"),
    path("apprendre/capsules/<slug:slug>/quiz/", views.quiz, name="quiz"),
    path("apprendre/capsules/<slug:slug>/quiz/<uuid:token>/", views.attempt, name="attempt"),
    path("apprendre/equipe/capsules/", views.staff_capsules, name="staff_capsules"),
    path("apprendre/equipe/capsules/nouvelle/", views.staff_new, name="staff_new"),
    path("apprendre/equipe/capsules/importer/", views.staff_import, name="staff_import"),
    path("apprendre/equipe/capsules/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("apprendre/equipe/capsules/<int:pk>/apercu/", views.staff_preview, name="staff_preview"),
    path("apprendre/equipe/capsules/<int:pk>/publier/", views.staff_publish, name="staff_publish"),
    path("apprendre/equipe/capsules/<int:pk>/retirer/", views.staff_archive, name="staff_archive"),
    path("apprendre/equipe/capsules/<int:pk>/export.yaml", views.staff_export, name="staff_export"),
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
