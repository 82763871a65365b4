from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "compagnons.accounts"
    label = "accounts"
    verbose_name = _("Comptes et rôles")

    def ready(self) -> None:
        # Security events raised inside allauth go to our audit log.
        from compagnons.accounts import security_events  # noqa: F401
