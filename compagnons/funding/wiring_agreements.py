"""Registrations of funding's agreements half (panels, personal data, jobs), called from FundingConfig.ready."""


def ready() -> None:
    from compagnons.accounts.services import register_personal_data
    from compagnons.core import dashboard
    from compagnons.funding import plans_panels, plans_personal_data

    dashboard.register_panel(plans_panels.funding_panel, order=29)
    register_personal_data("funding_plans", export=plans_personal_data.export, erase=plans_personal_data.erase)
