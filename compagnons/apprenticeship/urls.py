from django.urls import path

from compagnons.apprenticeship import views

app_name = "apprenticeship"
urlpatterns = [
    path("chaine/", views.chain_page, name="chain"),
    path("chaine/<int:member_id>/", views.chain_branch, name="chain_branch"),
    path("promotions/", views.open_cohorts, name="open_cohorts"),
    path("promotions/<int:pk>/demander/", views.cohort_request, name="cohort_request"),
    path("parcours/compagnons/", views.mentor_suggestions, name="mentor_suggestions"),
    path("parcours/demandes/", views.requests_to_answer, name="requests"),
    path("parcours/demandes/<int:pk>/repondre/", views.answer_request, name="answer_request"),
    path("parcours/profil/", views.path_profile, name="profile"),
    path("parcours/seances/", views.sessions, name="sessions"),
    path("parcours/accompagnements/<int:mentorship_pk>/seance/", views.session_new, name="session_new"),
    path("parcours/seances/<int:pk>/confirmer/", views.session_confirm, name="session_confirm"),
    path("parcours/seances/<int:pk>/contester/", views.session_dispute, name="session_dispute"),
    path("parcours/plan/<int:apprentice_pk>/", views.plan, name="plan"),
    path("parcours/plan/<int:apprentice_pk>/objectif/", views.plan_add_goal, name="plan_add_goal"),
    path(
        "parcours/plan/<int:apprentice_pk>/depuis-positionnement/",
        views.plan_from_positioning,
        name="plan_from_positioning",
    ),
    path("parcours/plan/objectifs/<int:goal_pk>/etape/", views.plan_add_step, name="plan_add_step"),
    path("parcours/plan/etapes/<int:step_pk>/", views.plan_toggle_step, name="plan_toggle_step"),
    path("parcours/preuves/", views.evidence_list, name="evidence_list"),
    path("parcours/preuves/<int:pk>/", views.evidence_detail, name="evidence"),
    path("parcours/preuves/<int:pk>/fichier/", views.evidence_file, name="evidence_file"),
    path("parcours/carnet/<int:apprentice_pk>/", views.carnet, name="carnet"),
    path("parcours/adoption/<int:apprentice_pk>/", views.adoption, name="adoption"),
    path("equipe/adoption/<int:pk>/confirmer/", views.adoption_confirm, name="adoption_confirm"),
    path("equipe/promotions/", views.cohorts, name="cohorts"),
    path("equipe/promotions/<int:pk>/", views.cohort, name="cohort"),
    path("equipe/inscriptions/<int:pk>/accepter/", views.enrollment_accept, name="enrollment_accept"),
    path("equipe/inscriptions/<int:pk>/abandon/", views.enrollment_drop, name="enrollment_drop"),
    path("equipe/inscriptions/<int:pk>/compagnon/", views.enrollment_mentor, name="enrollment_mentor"),
]
