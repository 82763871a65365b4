from django.urls import path

from compagnons.skills import views

app_name = "skills"
urlpatterns = [
    path("referentiel/", views.referentiel_page, name="referentiel"),
    path("referentiel/referentiel.json", views.referentiel_json, name="referentiel_json"),
    path("equipe/referentiel/importer/", views.referentiel_import, name="referentiel_import"),
    path("equipe/positionnements/", views.positioning_queue, name="positioning_queue"),
    path("positionnement/", views.positioning_list, name="positioning_list"),
    path("positionnement/commencer/", views.positioning_start, name="positioning_start"),
    path("positionnement/<int:pk>/etape/<int:step>/", views.positioning_step, name="positioning_step"),
    path("positionnement/<int:pk>/envoyer/", views.positioning_summary, name="positioning_summary"),
    path("positionnement/<int:pk>/avis/", views.positioning_review, name="positioning_review"),
    path("positionnement/<int:pk>/", views.positioning_result, name="positioning_result"),
    path("espace/introspection/", views.reflection, name="reflection"),
    path("introspection/<int:member_id>/", views.member_reflection, name="member_reflection"),
]
