from django.urls import path

from compagnons.coaching import views

app_name = "coaching"

urlpatterns = [
    path("coaching/", views.browse, name="browse"),
    path("coaching/entree/", views.index, name="index"),
    path("coaching/creneaux/<int:pk>/", views.slot_detail, name="slot"),
    path("coaching/creneaux/<int:pk>/reserver/", views.book, name="book"),
    path("coaching/reservations/", views.my_bookings, name="my_bookings"),
    path("coaching/reservations/<int:pk>/annuler/", views.cancel_booking, name="cancel_booking"),
    path("coaching/reservations/<int:pk>/deplacer/", views.move_booking, name="move_booking"),
    path("coaching/reservations/<int:pk>/confirmer/", views.confirm_session, name="confirm"),
    path("coaching/agenda/", views.calendar, name="calendar"),
    path("coaching/agenda/renouveler/", views.renew_feed, name="renew_feed"),
    path("coaching/agenda/partage/", views.sharing, name="sharing"),
    path("coaching/agenda/<str:token>.ics", views.feed, name="feed"),
    path("coaching/coach/", views.coach, name="coach"),
    path("coaching/coach/creneau/", views.slot_new, name="slot_new"),
    path("coaching/coach/recurrence/", views.recurrence_new, name="recurrence_new"),
    path("coaching/coach/creneaux/<int:pk>/annuler/", views.cancel_slot, name="cancel_slot"),
    path("coaching/coach/recurrences/<int:pk>/arreter/", views.end_recurrence, name="end_recurrence"),
    path("coaching/apprentis/<int:member_id>/", views.apprentice_coaching, name="apprentice"),
]
