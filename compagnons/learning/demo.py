"""Demo data for learning (called by `manage.py seed_demo`): the shipped capsules and scenarios, some progress, the
demo apprentice's played scenario and the demo compagnon's debrief."""


def seed(world: dict) -> None:
    _seed_capsules(world)
    _seed_scenarios(world)


# --- Capsules --------------------------------------------------------------------------------------------


def _seed_capsules(world: dict) -> None:
    return None


# --- Scenarios -------------------------------------------------------------------------------------------


def _seed_scenarios(world: dict) -> None:
    return None
