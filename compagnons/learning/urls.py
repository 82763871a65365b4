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
]
