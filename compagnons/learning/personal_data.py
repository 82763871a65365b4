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
    """Each run with its path (node, choice, seconds), its ending and the debrief received; then the debriefs the
    person wrote as a mentor."""
    from compagnons.learning.models import Debrief, Run, Step

    runs = list(
        Run.objects.filter(member=user).select_related("version__scenario", "ending", "debrief").order_by("started_at")
    )
    steps: dict[int, list] = {}
    for step in Step.objects.filter(run__member=user).select_related("node", "choice").order_by("run", "number"):
        steps.setdefault(step.run_id, []).append(
            {"node": step.node.key, "choice": step.choice.label, "seconds": step.seconds, "at": step.chosen_at}
        )
    played = [
        {
            "scenario": run.version.scenario.title,
            "version": run.version.number,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "ending": run.ending.ending_title if run.ending else None,
            "shared_with_mentor": run.shared,
            "steps": steps.get(run.pk, []),
            "debrief_received": run.debrief.text if hasattr(run, "debrief") else None,
        }
        for run in runs
    ]
    written = [
        {"run": debrief.run_id, "text": debrief.text, "written_at": debrief.written_at}
        for debrief in Debrief.objects.filter(mentor=user).order_by("written_at")
    ]
    return played + ([{"debriefs_written": written}] if written else [])


def _erase_scenarios(user, traces: list[str]) -> None:
    """The runs and their steps stay, anonymous with the account (they back the figures and the mentor's credit);
    the debriefs received lose their text; the debriefs the person wrote lose their name."""
    from compagnons.accounts.services import replace_ci
    from compagnons.learning.models import Debrief

    Debrief.objects.filter(run__member=user).update(text="—")
    for trace in traces:
        for debrief in Debrief.objects.filter(mentor=user, text__icontains=trace):
            debrief.text = replace_ci(debrief.text, trace, "—")
            debrief.save(update_fields=["text"])
