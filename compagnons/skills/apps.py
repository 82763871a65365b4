from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkillsConfig(AppConfig):
    name = "compagnons.skills"
    label = "skills"
    verbose_name = _("Référentiel et compétences")

    def ready(self) -> None:
        from compagnons.accounts.services import register_personal_data
        from compagnons.core import dashboard
        from compagnons.skills import panels, personal_data

        dashboard.register_panel(panels.positioning_panel, order=10)
        register_personal_data("skills", export=personal_data.export, erase=personal_data.erase)
