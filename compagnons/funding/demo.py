"""Demo data for funding (called by `manage.py seed_demo`): each half seeds its own. The plans half runs in
`seed_last`, after every app's demo, so that the outcomes demo's past promotions exist."""

from compagnons.funding import invoicing_demo, plans_demo


def seed(world: dict) -> None:
    invoicing_demo.seed(world)


def seed_last(world: dict) -> None:
    plans_demo.seed(world)
