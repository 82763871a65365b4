from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "compagnons.funding"
    label = "funding"
    verbose_name = _("Financement")

    def ready(self) -> None:
        # Two halves, each wiring its own registrations (panels, personal data, jobs):
        # plans, agreements, certificates and the BPF; invoices, payments and memberships.
        from compagnons.funding import wiring_agreements, wiring_invoices

        wiring_agreements.ready()
        wiring_invoices.ready()
