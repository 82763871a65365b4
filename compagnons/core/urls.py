from django.urls import path

from compagnons.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("ok", views.ok, name="ok"),
    path("confidentialite/", views.privacy, name="privacy"),
    path("equipe/journal/", views.audit_log, name="audit_log"),
    path("sante/", views.health_check, name="health"),
    path("equipe/taches/", views.failed_tasks, name="failed_tasks"),
    path("equipe/taches/<uuid:pk>/relancer/", views.retry_task, name="retry_task"),
]
