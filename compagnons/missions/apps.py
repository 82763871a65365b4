from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MissionsConfig(AppConfig):
    name = "compagnons.missions"
    label = "missions"
    verbose_name = _("Banque de missions")

    def ready(self) -> None:
        from compagnons.accounts.services import register_personal_data
        from compagnons.core import dashboard
        from compagnons.missions import panels, personal_data

        dashboard.register_panel(panels.member_panel, order=30)
        dashboard.register_panel(panels.client_panel, order=35)
        dashboard.register_panel(panels.staff_panel, order=40)
        register_personal_data("missions", export=personal_data.export, erase=personal_data.erase)
        from compagnons.ledger import giveback

        giveback.register(panels.give_back)
