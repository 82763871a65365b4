from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "compagnons.outcomes"
    label = "outcomes"
    verbose_name = _("Suivi des sortants et taux d'insertion")

    def ready(self) -> None:
        from compagnons.accounts.services import register_personal_data
        from compagnons.core import dashboard, reports
        from compagnons.outcomes import exports, panels, personal_data

        dashboard.register_panel(panels.follow_up_panel, order=15)
        register_personal_data("outcomes", export=personal_data.export, erase=personal_data.erase)
        reports.register_dossier_files(exports.association_files, folder="indicateurs")
