from django.urls import path  # noqa: F401

from compagnons.quality import views  # noqa: F401

app_name = "quality"
urlpatterns: list = []
