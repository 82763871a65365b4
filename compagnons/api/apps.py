from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "compagnons.api"
    label = "api"
    verbose_name = _("API : accès pour les partenaires et les membres")

    def ready(self) -> None:
        from compagnons.accounts.services import register_personal_data
        from compagnons.api import personal_data

        register_personal_data("api", export=personal_data.export, erase=personal_data.erase)
