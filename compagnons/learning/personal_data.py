"""What learning holds about a person (capsule progress and quiz attempts; scenario runs, steps and debriefs):
theirs to take away, and gone with the account."""


def export(user) -> dict:
    return {"capsules": _export_capsules(user), "scenarios": _export_scenarios(user)}


def erase(user, traces: list[str]) -> None:
    _erase_capsules(user, traces)
    _erase_scenarios(user, traces)


# --- Capsules --------------------------------------------------------------------------------------------


def _export_capsules(user) -> list:
    return []


def _erase_capsules(user, traces: list[str]) -> None:
    return None


# --- Scenarios -------------------------------------------------------------------------------------------


def _export_scenarios(user) -> list:
    return []


def _erase_scenarios(user, traces: list[str]) -> None:
    return None
