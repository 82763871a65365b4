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
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap_xml, name="sitemap"),
    path("equipe/sites/", views.site_list, name="site_list"),
    path("equipe/sites/nouveau/", views.site_edit, name="site_new"),
    path("equipe/sites/<int:pk>/", views.site_edit, name="site_edit"),
    path("equipe/taches/<uuid:pk>/relancer/", views.retry_task, name="retry_task"),
]
