from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    name = "compagnons.credentials"
    label = "credentials"
    verbose_name = _("Titres vérifiables (Open Badges 3.0)")

    def ready(self) -> None:
        from compagnons.accounts.services import register_personal_data
        from compagnons.credentials import personal_data

        register_personal_data("credentials", export=personal_data.export, erase=personal_data.erase)
