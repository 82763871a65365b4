"""Demo data for funding (called by `manage.py seed_demo`): each half seeds its own."""

from compagnons.funding import invoicing_demo


def seed(world: dict) -> None:
    invoicing_demo.seed(world)
