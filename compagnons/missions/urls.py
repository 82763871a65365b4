from django.urls import path

from compagnons.missions import views

app_name = "missions"
urlpatterns = [
    path("missions/", views.mission_list, name="list"),
    path("missions/recommandees/", views.recommendations, name="recommendations"),
    path("missions/proposer/", views.mission_edit, name="new"),
    path("missions/mes-missions/", views.my_missions, name="mine"),
    path("missions/mes-candidatures/", views.my_applications, name="my_applications"),
    path("missions/statut/", views.worker_profile, name="worker_profile"),
    path("missions/pistes/", views.leads, name="leads"),
    path("missions/<int:pk>/", views.mission_detail, name="detail"),
    path("missions/<int:pk>/modifier/", views.mission_edit, name="edit"),
    path("missions/<int:pk>/annuler/", views.mission_cancel, name="cancel"),
    path("missions/<int:pk>/candidatures/", views.applications_for_mission, name="applications"),
    path("missions/<int:pk>/suivi/", views.mission_work, name="work"),
    path("missions/<int:pk>/suivi/commencer/", views.work_start, name="work_start"),
    path("missions/<int:pk>/suivi/livrer/", views.work_deliver, name="work_deliver"),
    path("missions/<int:pk>/suivi/accepter/", views.work_accept, name="work_accept"),
    path("missions/<int:pk>/suivi/modifications/", views.work_changes, name="work_changes"),
    path("missions/<int:pk>/suivi/temoignage/", views.work_testimonial, name="work_testimonial"),
    path("missions/<int:pk>/suivi/attestation/", views.work_attest, name="work_attest"),
    path("missions/<int:pk>/suivi/faits/", views.work_facts, name="work_facts"),
    path("missions/<int:pk>/suivi/mediation/", views.work_dispute, name="work_dispute"),
    path("missions/<int:pk>/suivi/mediation/reponse/", views.work_dispute_response, name="work_dispute_response"),
    path("missions/<int:pk>/suivi/mediation/appel/", views.work_appeal, name="work_appeal"),
    path("missions/<int:pk>/attestation-urssaf/", views.urssaf_attestation, name="urssaf_attestation"),
    path("missions/livraisons/<int:pk>/fichier/", views.delivery_file, name="delivery_file"),
    path("missions/candidatures/<int:pk>/", views.application_detail, name="application"),
    path(
        "missions/candidatures/<int:pk>/<str:action>/",
        views.application_action,
        name="application_action",
    ),
    path("missions/membres/<int:member_id>/", views.member_record, name="record"),
    path("equipe/missions/", views.staff_queue, name="staff_queue"),
    path("equipe/missions/<int:pk>/qualifier/", views.qualify, name="qualify"),
    path("equipe/pistes/<int:pk>/", views.convert_lead, name="convert_lead"),
    path("equipe/mediations/<int:pk>/", views.dispute_decide, name="dispute"),
]
