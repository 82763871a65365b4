from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "compagnons.learning"
    label = "learning"
    verbose_name = _("Apprendre : capsules et mises en situation")

    def ready(self) -> None:
        # --- Capsules: registrations ---

        # --- Scenarios: registrations ---
        pass
