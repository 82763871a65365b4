"""Learning: capsules with their quizzes and progress; scenarios, their versions, runs and recorded steps."""

from bench.scale.registry import ScaleContext, seeder  # noqa: F401 — the seeders arrive with the pages

# --- Capsules --------------------------------------------------------------------------------------------


# --- Scenarios -------------------------------------------------------------------------------------------
