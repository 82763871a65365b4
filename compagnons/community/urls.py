from django.urls import path

from compagnons.community import feeds, views

app_name = "community"
urlpatterns = [
    path("entraide/", views.index, name="index"),
    path("entraide/recherche/", views.search, name="search"),
    path("entraide/sans-reponse/", views.unanswered, name="unanswered"),
    path("entraide/notifications/", views.notifications, name="notifications"),
    path("entraide/notifications/lues/", views.notifications_read, name="notifications_read"),
    path("entraide/notifications/preferences/", views.preference, name="preference"),
    path("entraide/discussions/<int:pk>/", views.thread, name="thread"),
    path("entraide/discussions/<int:pk>/repondre/", views.answer, name="answer"),
    path("entraide/discussions/<int:pk>/suivre/", views.follow_thread, name="follow_thread"),
    path("entraide/discussions/<int:thread_pk>/aide/<int:pk>/", views.mark, name="mark"),
    path("entraide/discussions/<int:thread_pk>/aide/<int:pk>/retirer/", views.unmark, name="unmark"),
    path("entraide/messages/<int:pk>/", views.post_link, name="post"),
    path("entraide/messages/<int:pk>/modifier/", views.post_edit, name="edit"),
    path("entraide/messages/<int:pk>/historique/", views.post_history, name="history"),
    path("entraide/messages/<int:pk>/signaler/", views.report, name="report"),
    path("entraide/c/<slug:slug>/", views.category, name="category"),
    path("entraide/c/<slug:slug>/nouvelle/", views.thread_new, name="thread_new"),
    path("entraide/c/<slug:slug>/suivre/", views.follow_category, name="follow_category"),
    path("entraide/c/<slug:slug>/flux.atom", feeds.CategoryFeed(), name="feed"),
    path("equipe/entraide/", views.moderation, name="moderation"),
    path("equipe/entraide/messages/<int:pk>/", views.moderate, name="moderate"),
    path("equipe/entraide/discussions/<int:pk>/fermer/", views.lock, name="lock"),
    path("equipe/entraide/moderateurs/", views.moderators, name="moderators"),
    path("equipe/entraide/moderateurs/<int:member_id>/retirer/", views.moderator_revoke, name="moderator_revoke"),
    path("equipe/entraide/categories/", views.categories, name="categories"),
    path("equipe/entraide/categories/<slug:slug>/", views.categories, name="category_edit"),
    path("equipe/entraide/categories/<slug:slug>/retirer/", views.category_remove, name="category_remove"),
    path("equipe/entraide/categories/<slug:slug>/retablir/", views.category_restore, name="category_restore"),
]
