from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "compagnons.certification"
    label = "certification"
    verbose_name = _("Chef-d'œuvre et jury")

    def ready(self) -> None:
        from compagnons.accounts.services import register_personal_data
        from compagnons.certification import panels, personal_data
        from compagnons.core import dashboard

        dashboard.register_panel(panels.certification_panel, order=28)
        register_personal_data("certification", export=personal_data.export, erase=personal_data.erase)
