from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShowcaseConfig(AppConfig):
    name = "compagnons.showcase"
    label = "showcase"
    verbose_name = _("Se vendre : mini-site, annuaire, plaquette, pitch")

    def ready(self) -> None:
        from compagnons.core import dashboard
        from compagnons.showcase import panels

        dashboard.register_panel(panels.showcase_panel, order=32)
