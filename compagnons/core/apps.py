from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "compagnons.core"
    label = "core"
    verbose_name = _("Socle")

    def ready(self) -> None:
        # Periodic jobs register themselves when their app's `jobs` module is imported.
        from compagnons.core import scheduler

        scheduler.autodiscover()
        # Every write gives the tables it touched a new version: the cached fragments that read them are refused.
        from compagnons.core import fragments

        fragments.install()
