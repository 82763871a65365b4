"""Registrations of funding's invoices half (panels, personal data, jobs), called from FundingConfig.ready."""


def ready() -> None:
    from compagnons.accounts.services import register_personal_data
    from compagnons.funding import invoicing_personal_data, payments  # noqa: F401  (payments registers its daily job)

    register_personal_data(
        "funding_invoices", export=invoicing_personal_data.export, erase=invoicing_personal_data.erase
    )
