from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "compagnons.ledger"
    label = "ledger"
    verbose_name = _("Contreparties")

    def ready(self) -> None:
        from compagnons.accounts.services import register_personal_data, register_welcome_step
        from compagnons.core import dashboard
        from compagnons.ledger import panels, personal_data, services

        dashboard.register_panel(panels.contributions_panel, order=45)
        register_personal_data("ledger", export=personal_data.export, erase=personal_data.erase)
        # A new member's account opens with the welcome grant at sign-up, so « Mon espace » shows it at once.
        register_welcome_step(services.open_account)
