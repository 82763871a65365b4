"""What learning holds about a person (capsule progress and quiz attempts; scenario runs, steps and debriefs):
theirs to take away, and gone with the account."""


def export(user) -> dict:
    return {"capsules": _export_capsules(user), "scenarios": _export_scenarios(user)}


def erase(user, traces: list[str]) -> None:
    _erase_capsules(user, traces)
    _erase_scenarios(user, traces)


# --- Capsules --------------------------------------------------------------------------------------------


def _export_capsules(user) -> list:
    """Each capsule followed: when read, the attempts with their answers and scores."""
    from compagnons.learning.models import Progress

    rows = []
    for progress in Progress.objects.filter(member=user).select_related("capsule").prefetch_related("quiz_attempts"):
        rows.append(
            {
                "capsule": progress.capsule.slug,
                "title": progress.capsule.title,
                "started_at": progress.started_at,
                "read_at": progress.read_at,
                "read_version": progress.read_version,
                "attempts": progress.attempts,
                "best_score": progress.best_score,
                "passed_at": progress.passed_at,
                "finished_at": progress.finished_at,
                "quiz_attempts": [
                    {
                        "submitted_at": a.submitted_at,
                        "capsule_version": a.capsule_version,
                        "answers": a.answers,
                        "score": a.score,
                        "passed": a.passed,
                    }
                    for a in progress.quiz_attempts.all()
                ],
            }
        )
    return rows


def _erase_capsules(user, traces: list[str]) -> None:
    """Progress and attempts go with the account (nothing of them is needed once the person has left). The capsules
    a staff member wrote stay, without their name."""
    from compagnons.learning.models import Capsule, Progress

    Progress.objects.filter(member=user).delete()  # attempts follow (cascade)
    Capsule.objects.filter(updated_by=user).update(updated_by=None)


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
