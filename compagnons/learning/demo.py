"""Demo data for learning (called by `manage.py seed_demo`): the shipped capsules and scenarios, some progress, the
demo apprentice's played scenario and the demo compagnon's debrief."""


def seed(world: dict) -> None:
    _seed_capsules(world)
    _seed_scenarios(world)


# --- Capsules --------------------------------------------------------------------------------------------


def _seed_capsules(world: dict) -> None:
    """The shipped capsules (published); the demo apprentice has read one capsule and passed its quiz (finished: in
    the carnet as self-study time), and read a second one whose quiz is still to do (« reprendre »)."""
    import uuid

    from compagnons.learning import content_loader, services
    from compagnons.learning.models import Attempt, Capsule

    content_loader.load_capsules(by=None)
    apprentice = world.get("apprenti@demo.test")
    capsules = list(Capsule.objects.published().order_by("title")[:2])
    if apprentice is None or len(capsules) < 2 or Attempt.objects.filter(progress__member=apprentice).exists():
        return
    finished, started = capsules
    services.mark_read(finished, by=apprentice)
    right = {q.pk: [o.pk for o in q.options.all() if o.correct] for q in finished.questions.prefetch_related("options")}
    services.submit_quiz(finished, by=apprentice, token=uuid.uuid4(), answers=right)
    services.mark_read(started, by=apprentice)


# --- Scenarios -------------------------------------------------------------------------------------------


def _seed_scenarios(world: dict) -> None:
    return None
