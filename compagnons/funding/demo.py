"""Demo data for funding (called by `manage.py seed_demo`). `seed_last` runs after every app's `seed`, so that the
past promotions of the outcomes demo exist. Each half has its own module."""

from compagnons.funding import plans_demo


def seed(world: dict) -> None:
    pass


def seed_last(world: dict) -> None:
    plans_demo.seed(world)
