from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    name = "compagnons.credentials"
    label = "credentials"
    verbose_name = _("Titres vérifiables (Open Badges 3.0)")
