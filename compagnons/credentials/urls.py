from django.urls import path

from compagnons.credentials import views

app_name = "credentials"
urlpatterns = [
    path(".well-known/did.json", views.did_document, name="did"),
    path("verifier/", views.check, name="check"),
    path("verifier/emetteur", views.issuer, name="issuer"),
    path("verifier/statut/1", views.status_list, name="status_list"),
    path("verifier/<uuid:uid>/", views.verify, name="verify"),
    path("verifier/<uuid:uid>.json", views.download, name="download"),
    path("espace/titres/", views.mine, name="mine"),
    path("espace/titres/autre-maison/", views.add_house_credential, name="add_house_credential"),
    path("espace/titres/autre-maison/recommandation/", views.add_house_endorsement, name="add_house_endorsement"),
    path(
        "espace/titres/autre-maison/<int:pk>/retirer/",
        views.remove_house_credential,
        name="remove_house_credential",
    ),
    path(
        "espace/titres/recommandations/<int:pk>/retirer/",
        views.remove_house_endorsement,
        name="remove_house_endorsement",
    ),
    path("equipe/titres/", views.staff, name="staff"),
    path("equipe/titres/nouvelle-cle/", views.rotate, name="rotate"),
    path("equipe/titres/maisons/", views.houses, name="houses"),
    path("equipe/titres/maisons/<int:pk>/retirer/", views.remove_house, name="remove_house"),
]
