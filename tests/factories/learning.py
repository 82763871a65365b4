"""Learning factories: capsules and scenarios through the learning services (import of content files)."""

# --- Capsules --------------------------------------------------------------------------------------------


# --- Scenarios -------------------------------------------------------------------------------------------

from pathlib import Path

from compagnons.learning import scenario_files
from compagnons.learning import services as learning_services

SCENARIO_DATA = Path(__file__).resolve().parent.parent / "learning" / "data"


def scenario_text(name: str = "scenario_relance.yaml") -> str:
    return (SCENARIO_DATA / name).read_text(encoding="utf-8")


def import_scenario(text: str | None = None, *, by=None):
    """A scenario imported from a file of tests/learning/data (the small « relance » one by default)."""
    return scenario_files.import_file(text if text is not None else scenario_text(), by=by)


def play(scenario, member, picks: list[int] | None = None):
    """Start a run and make choices by position (1-based); stops at an ending. Default: always the first choice."""
    run = learning_services.start_run(scenario, by=member)
    picks = list(picks or [])
    while run.finished_at is None:
        position = picks.pop(0) if picks else 1
        choice = run.current.choices.get(position=position)
        run = learning_services.choose(
            run, by=member, step=run.steps_count + 1, node_key=run.current.key, choice_id=choice.pk
        )
    return run


def play_steps(scenario, member, picks: list[int]):
    """Start a run and make exactly these choices (by position), finished or not."""
    run = learning_services.start_run(scenario, by=member)
    for position in picks:
        choice = run.current.choices.get(position=position)
        run = learning_services.choose(
            run, by=member, step=run.steps_count + 1, node_key=run.current.key, choice_id=choice.pk
        )
    return run
