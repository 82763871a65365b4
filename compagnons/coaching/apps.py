from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "compagnons.coaching"
    label = "coaching"
    verbose_name = _("Coaching")

    def ready(self) -> None:
        from compagnons.accounts.services import register_personal_data
        from compagnons.apprenticeship import attendance
        from compagnons.coaching import panels, personal_data, records
        from compagnons.core import dashboard
        from compagnons.ledger import giveback

        dashboard.register_panel(panels.coaching_panel, order=37)
        register_personal_data("coaching", export=personal_data.export, erase=personal_data.erase)
        giveback.register(panels.give_back)
        attendance.register_source(records.HOURS)  # confirmed coaching counts as training hours
