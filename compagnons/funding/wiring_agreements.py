"""Registrations of funding's agreements half (panels, personal data, jobs), called from FundingConfig.ready."""


def ready() -> None:
    pass
