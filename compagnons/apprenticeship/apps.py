from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprenticeshipConfig(AppConfig):
    name = "compagnons.apprenticeship"
    label = "apprenticeship"
    verbose_name = _("Parcours")

    def ready(self) -> None:
        from compagnons.accounts.services import register_personal_data
        from compagnons.apprenticeship import pairing, panels, personal_data
        from compagnons.core import dashboard
        from compagnons.skills import permissions as skills_permissions

        skills_permissions.register_mentor_check(pairing.is_mentor_of)
        dashboard.register_panel(panels.apprentice_panel, order=15)
        dashboard.register_panel(panels.mentor_panel, order=20)
        dashboard.register_panel(panels.staff_panel, order=25)
        register_personal_data("path", export=personal_data.export, erase=personal_data.erase)
        from compagnons.ledger import giveback
        from compagnons.ledger import services as ledger_services

        giveback.register(panels.give_back)
        ledger_services.register_collaboration_check(pairing.worked_together)
