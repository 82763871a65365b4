from django.urls import path  # noqa: F401

from compagnons.learning import views  # noqa: F401 — the views arrive with the pages

app_name = "learning"

urlpatterns = [
    # --- Capsules (under /apprendre/capsules/) ---
    # --- Scenarios (under /apprendre/situations/) ---
]
