from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShowcaseConfig(AppConfig):
    name = "compagnons.showcase"
    label = "showcase"
    verbose_name = _("Se vendre : mini-site, annuaire, plaquette, pitch")

    def ready(self) -> None:
        from compagnons.accounts.services import register_personal_data
        from compagnons.core import dashboard
        from compagnons.showcase import panels, personal_data

        dashboard.register_panel(panels.showcase_panel, order=32)
        register_personal_data("showcase", export=personal_data.export, erase=personal_data.erase)
        from compagnons.missions import invitations
        from compagnons.showcase import services, site

        invitations.register(find=site.invitable_member, deliver=services.invite_on_publication)
