from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "compagnons.outcomes"
    label = "outcomes"
    verbose_name = _("Suivi des sortants et taux d'insertion")
