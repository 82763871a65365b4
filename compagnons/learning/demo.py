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
    """The shipped scenarios (published); the demo apprentice (Léa) has played one to an ending and her mentor
    (Jean-Pierre, see apprenticeship's demo) has debriefed it. Were no scenario shipped in this tree, the small one
    of docs/learning.md is imported through the same importer."""
    from datetime import timedelta
    from pathlib import Path

    from compagnons.apprenticeship import pairing
    from compagnons.learning import content_loader, scenario_files, services
    from compagnons.learning.models import Debrief, Run, Scenario, Step

    content_loader.load_scenarios(by=None)  # idempotent: a shipped file changed since the last run makes a version
    if not Scenario.objects.published().exists():
        path = Path(__file__).resolve().parent / "demo_scenario.yaml"
        scenario_files.import_file(path.read_text(encoding="utf-8"), by=None, folder=path.parent)
    lea, jean_pierre = world.get("apprenti@demo.test"), world.get("compagnon@demo.test")
    if lea is None or jean_pierre is None:
        return
    if Run.objects.filter(member=lea, finished_at__isnull=False).exists():
        return
    scenario = Scenario.objects.published().order_by("title").first()
    run = services.start_run(scenario, by=lea)
    while run.finished_at is None:
        choice = _towards_an_ending(run.current)
        run = services.choose(run, by=lea, step=run.steps_count + 1, node_key=run.current.key, choice_id=choice.pk)
    # A believable pace: the service timed the demo's instant clicks; give each step some reading time, in the past.
    started = run.started_at - timedelta(days=3)
    moment = started
    for number, step in enumerate(Step.objects.filter(run=run).order_by("number"), start=1):
        step.seconds = 25 + 15 * number
        moment += timedelta(seconds=step.seconds)
        step.chosen_at = moment
        step.save(update_fields=["seconds", "chosen_at"])
    Run.objects.filter(pk=run.pk).update(started_at=started, finished_at=moment, arrived_at=moment)
    run.refresh_from_db()
    if pairing.is_mentor_of(jean_pierre, lea) and not Debrief.objects.filter(run=run).exists():
        services.write_debrief(
            run,
            "Léa, vous avez prévenu tôt et avec une date : c'est exactement ce qui rassure un client. "
            "La prochaine fois, proposez aussi un point d'étape écrit, pour que la cliente voie le travail avancer.",
            by=jean_pierre,
        )


def _towards_an_ending(node):
    """The first choice of the node on a shortest way to an ending (the validator guarantees there is one)."""
    from collections import deque

    from compagnons.learning.models import Choice

    edges: dict[int, list] = {}
    endings = set()
    for choice in Choice.objects.filter(node__version_id=node.version_id).select_related("target"):
        edges.setdefault(choice.node_id, []).append(choice)
        if choice.target.is_ending:
            endings.add(choice.target_id)
    first: dict[int, object] = {}
    queue = deque([node.pk])
    seen = {node.pk}
    while queue:
        current = queue.popleft()
        for choice in sorted(edges.get(current, []), key=lambda c: c.position):
            if choice.target_id in seen:
                continue
            seen.add(choice.target_id)
            first[choice.target_id] = first.get(current, choice)
            if choice.target_id in endings:
                return first[choice.target_id]
            queue.append(choice.target_id)
    return edges[node.pk][0]
