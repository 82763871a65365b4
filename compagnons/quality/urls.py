from django.urls import path

from compagnons.quality import views

app_name = "quality"
urlpatterns = [
    # Anyone (a visitor, a member, a client).
    path("reclamation/", views.complaint_new, name="complaint_new"),
    path("satisfaction/<int:pk>/lien/<str:token>/", views.survey_link, name="survey_link"),
    # The logged-in person.
    path("satisfaction/<int:pk>/", views.survey, name="survey"),
    path("espace/reclamations/", views.my_complaints, name="my_complaints"),
    # Staff, the apprentice and their mentor.
    path("parcours/emargement/<int:apprentice_pk>/", views.attendance, name="attendance"),
    path("parcours/emargement/<int:apprentice_pk>/feuille.pdf", views.attendance_pdf, name="attendance_pdf"),
    # Staff.
    path("equipe/qualite/", views.home, name="home"),
    path("equipe/qualite/satisfaction/", views.satisfaction, name="satisfaction"),
    path("equipe/qualite/heures/", views.hours, name="hours"),
    path("equipe/qualite/reclamations/", views.complaints, name="complaints"),
    path("equipe/qualite/reclamations/<int:pk>/", views.complaint, name="complaint"),
    path("equipe/qualite/reclamations/<int:pk>/responsable/", views.complaint_assign, name="complaint_assign"),
    path("equipe/qualite/reclamations/<int:pk>/reponse/", views.complaint_answer, name="complaint_answer"),
    path("equipe/qualite/reclamations/<int:pk>/cloture/", views.complaint_close, name="complaint_close"),
    path("equipe/qualite/actions/", views.actions, name="actions"),
    path("equipe/qualite/actions/nouvelle/", views.action_form, name="action_new"),
    path("equipe/qualite/actions/<int:pk>/", views.action_form, name="action_edit"),
    path("equipe/qualite/dossiers/", views.export_list, name="exports"),
    path("equipe/qualite/dossiers/apprenti/<int:apprentice_pk>/", views.export_apprentice, name="export_apprentice"),
    path("equipe/qualite/dossiers/<int:pk>/", views.export, name="export"),
    path("equipe/qualite/dossiers/<int:pk>/fichier/", views.export_file, name="export_file"),
]
