from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkillsConfig(AppConfig):
    name = "compagnons.skills"
    label = "skills"
    verbose_name = _("Référentiel et compétences")

    def ready(self) -> None:
        from compagnons.core import dashboard
        from compagnons.skills import panels

        dashboard.register_panel(panels.positioning_panel, order=10)
