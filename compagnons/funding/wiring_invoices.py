"""Registrations of funding's invoices half (panels, personal data, jobs), called from FundingConfig.ready."""


def ready() -> None:
    pass
