from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "compagnons.quality"
    label = "quality"
    verbose_name = _("Qualité (Qualiopi) : satisfaction, réclamations, amélioration, émargement")

    def ready(self) -> None:
        from compagnons.accounts.services import register_personal_data
        from compagnons.core import dashboard, reports
        from compagnons.quality import figures, panels, personal_data

        dashboard.register_panel(panels.surveys_panel, order=12)
        dashboard.register_panel(panels.staff_panel, order=27)
        register_personal_data("quality", export=personal_data.export, erase=personal_data.erase)
        reports.register_section(figures.dashboard_section, order=10)
        reports.register_yearly_rate("satisfaction", figures.satisfaction_by_year)
