from django.urls import path

from compagnons.certification import views
from compagnons.certification.models import Route

app_name = "certification"
urlpatterns = [
    path("certification/", views.mine, name="mine"),
    path("certification/chef-doeuvre/", views.masterpiece, name="masterpiece"),
    path("certification/vae/", views.masterpiece, {"route": Route.VAE}, name="vae"),
    path("certification/chef-doeuvre/<int:pk>/pret/", views.masterpiece_ready, name="ready"),
    path("certification/decisions/<int:pk>/", views.decision, name="decision"),
    path("jurys/", views.my_juries, name="my_juries"),
    path("jurys/<int:pk>/", views.jury, name="jury"),
    path("jurys/<int:pk>/declaration/", views.jury_declare, name="jury_declare"),
    path("jurys/<int:pk>/proces-verbal/confirmer/", views.jury_confirm_minutes, name="jury_confirm_minutes"),
    path("equipe/jurys/<int:pk>/membres/", views.jury_add_member, name="jury_add_member"),
    path("equipe/jurys/<int:pk>/candidats/", views.jury_add_candidate, name="jury_add_candidate"),
    path("jurys/candidats/<int:candidacy_pk>/blocs/<int:block_pk>/", views.grid, name="grid"),
    path("jurys/<int:pk>/proces-verbal.pdf", views.minutes_pdf, name="minutes"),
    path("equipe/jurys/", views.juries, name="juries"),
    path("equipe/jurys/candidats/<int:candidacy_pk>/decision/", views.decide, name="decide"),
]
