from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "compagnons.learning"
    label = "learning"
    verbose_name = _("Apprendre : capsules et mises en situation")

    def ready(self) -> None:
        from compagnons.accounts.services import register_personal_data
        from compagnons.learning import personal_data

        register_personal_data("learning", export=personal_data.export, erase=personal_data.erase)
        # --- Capsules: registrations ---
        from compagnons.apprenticeship import extensions
        from compagnons.core import dashboard
        from compagnons.learning import panels

        dashboard.register_panel(panels.capsules_panel, order=38)
        extensions.register_plan_section(panels.plan_section, order=10)
        extensions.register_carnet_section(panels.carnet_section, order=10)

        # --- Scenarios: registrations ---
        from compagnons.core import dashboard
        from compagnons.learning.panels import scenarios_give_back, scenarios_panel
        from compagnons.ledger import giveback

        dashboard.register_panel(scenarios_panel, order=34)
        giveback.register(scenarios_give_back)
