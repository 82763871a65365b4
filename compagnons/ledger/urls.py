from django.urls import path

from compagnons.ledger import views

app_name = "ledger"
urlpatterns = [
    path("contreparties/", views.contributions, name="contributions"),
    path("contreparties/declarer/", views.declare, name="declare"),
    path("contreparties/<int:pk>/<str:decision>/", views.answer, name="answer"),
    path("equipe/contreparties/", views.staff_overview, name="staff_overview"),
    path("equipe/contreparties/<int:member_id>/", views.staff_member, name="staff_member"),
]
