from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "compagnons.community"
    label = "community"
    verbose_name = _("Entraide")

    def ready(self) -> None:
        from compagnons.accounts.services import register_personal_data
        from compagnons.community import panels, personal_data
        from compagnons.core import dashboard
        from compagnons.ledger import giveback

        dashboard.register_panel(panels.community_panel, order=42)
        register_personal_data("community", export=personal_data.export, erase=personal_data.erase)
        giveback.register(panels.give_back)
