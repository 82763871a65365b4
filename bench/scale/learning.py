"""Learning: capsules with their quizzes and progress; scenarios, their versions, runs and recorded steps."""

import uuid
from datetime import timedelta
from itertools import batched

from bench import BENCH_APPRENTICE
from bench.scale.registry import SCALE_EMAILS, ScaleContext, role_ids, seeder
from compagnons.accounts.models import Role, User
from compagnons.learning import scenario_files
from compagnons.learning.models import (
    Attempt,
    Capsule,
    Choice,
    Debrief,
    Node,
    Option,
    Progress,
    Question,
    Run,
    Scenario,
    Step,
)
from compagnons.skills.models import Certification

# --- Capsules --------------------------------------------------------------------------------------------


BENCH_CAPSULES = 300
BENCH_CAPSULE_PREFIX = "bench-capsule-"
BENCH_CAPSULE = f"{BENCH_CAPSULE_PREFIX}0001"  # in bench/run.py's PAGES
CAPSULE_QUESTIONS, CAPSULE_OPTIONS = 4, 3
PROGRESS_PER_APPRENTICE = 3
CAPSULE_BODY = (
    "## Ce qu'il faut retenir\n\nUn devis clair dit **ce qui est fait**, **quand** et **pour combien**. "
    "Relisez-le à voix haute : ce qui vous fait hésiter fera hésiter votre client.\n\n"
    "- le périmètre\n- le délai\n- le prix et ses conditions\n"
)


def _bench_capsules():
    return Capsule.objects.filter(slug__startswith=BENCH_CAPSULE_PREFIX)


@seeder("learning.capsules", done=lambda ctx: _bench_capsules().count() >= BENCH_CAPSULES)
def seed_capsules(ctx: ScaleContext) -> int:
    """300 published capsules, each with a quiz of four questions of three options, and one or two compétences."""
    rng = ctx.rng_for("learning.capsules")
    existing = set(_bench_capsules().values_list("slug", flat=True))
    slugs = [f"{BENCH_CAPSULE_PREFIX}{n:04d}" for n in range(1, BENCH_CAPSULES + 1)]
    rows = ctx.bulk(
        Capsule,
        (
            Capsule(
                slug=slug,
                title=f"Capsule d'entraînement n°{n}",
                summary="Une capsule du jeu de données de charge.",
                body=CAPSULE_BODY,
                minutes=rng.randint(2, 5),
                status="published",
                published_at=ctx.now,
            )
            for n, slug in enumerate(slugs, start=1)
            if slug not in existing
        ),
    )
    capsules = dict(_bench_capsules().values_list("slug", "pk"))
    new_ids = [capsules[slug] for slug in slugs if slug not in existing]
    rows += ctx.bulk(
        Question,
        (
            Question(capsule_id=cid, position=q, text=f"Question {q} ?", multiple=False)
            for cid in new_ids
            for q in range(1, CAPSULE_QUESTIONS + 1)
        ),
    )
    questions = Question.objects.filter(capsule_id__in=new_ids).values_list("pk", flat=True)
    rows += ctx.bulk(
        Option,
        (
            Option(question_id=qid, position=o, text=f"Réponse {o}", correct=o == 1, feedback=f"Parce que {o}.")
            for qid in questions.iterator()
            for o in range(1, CAPSULE_OPTIONS + 1)
        ),
    )
    certification = Certification.objects.current()
    competences = list(certification.competences.values_list("pk", flat=True)) if certification else []
    if competences:
        through = Capsule.competences.through
        rows += ctx.bulk(
            through,
            (
                through(capsule_id=cid, competence_id=competence)
                for cid in new_ids
                for competence in rng.sample(competences, rng.randint(1, 2))
            ),
        )
    return rows


def _progress_done(ctx: ScaleContext) -> bool:
    return Progress.objects.filter(capsule__slug__startswith=BENCH_CAPSULE_PREFIX).exists()


@seeder("learning.progress", done=_progress_done)
def seed_capsule_progress(ctx: ScaleContext) -> int:
    """Each scale apprentice (and bench-apprenti) has followed a few capsules: read, some quizzes passed, with
    their attempts."""
    rng = ctx.rng_for("learning.progress")
    capsule_ids = list(_bench_capsules().order_by("pk").values_list("pk", flat=True))
    members = role_ids(Role.APPRENTICE)
    bench = User.objects.filter(email=BENCH_APPRENTICE).values_list("pk", flat=True).first()
    if bench:
        members.append(bench)
    rows = []
    for member in members:
        for capsule_id in rng.sample(capsule_ids, min(PROGRESS_PER_APPRENTICE, len(capsule_ids))):
            started = ctx.past(365)
            passed = rng.random() < 0.6
            rows.append(
                Progress(
                    member_id=member,
                    capsule_id=capsule_id,
                    started_at=started,
                    read_at=started,
                    read_version=1,
                    attempts=1,
                    best_score=100 if passed else 50,
                    passed_at=started if passed else None,
                    finished_at=started if passed else None,
                )
            )
    count = ctx.bulk(Progress, rows)
    saved = Progress.objects.filter(capsule__slug__startswith=BENCH_CAPSULE_PREFIX).values_list(
        "pk", "best_score", "started_at"
    )
    count += ctx.bulk(
        Attempt,
        (
            Attempt(
                progress_id=pk,
                token=uuid.UUID(int=rng.getrandbits(128), version=4),
                capsule_version=1,
                answers={},
                score=score,
                passed=score == 100,
                submitted_at=started,
            )
            for pk, score, started in saved.iterator()
        ),
    )
    return count


# --- Scenarios -------------------------------------------------------------------------------------------


# At 100,000 members: 60 scenarios (two versions each, 12 nodes, 3 endings) and 1,000,000 recorded steps.
SCENARIOS_PER_100K = 60
STEPS_PER_USER = 10
SCENARIO_SLUG_PREFIX = "banc-situation-"
SCENARIO_THEMES = [
    "Le premier appel avec un donneur d'ordre",
    "L'entretien de recrutement à distance",
    "La demande de remise",
    "Annoncer un retard de livraison",
    "Relancer un devis",
    "Dire non à une mission mal payée",
]
DEBRIEF_SHARE = 3  # one finished shared run in three has a debrief


def scenario_count(ctx: ScaleContext) -> int:
    return max(3, SCENARIOS_PER_100K * ctx.users // 100_000)


def _scenario_data(index: int, version: int) -> dict:
    """A generated scenario that passes the validator: nine steps in a row, shortcuts and three endings."""
    nodes: dict = {}
    for i in range(1, 10):
        choices = [
            {
                "label": f"Répondre posément (étape {i})",
                "consequence": "La conversation avance.",
                "to": f"etape-{i + 1}",
            }
            if i < 9
            else {"label": "Conclure par écrit", "consequence": "Tout est clair.", "to": "fin-1"},
            {
                "label": f"Aller droit au but (étape {i})",
                "consequence": "Plus rapide, plus risqué.",
                "to": f"etape-{i + 2}",
            }
            if i + 2 <= 9
            else {"label": "Raccrocher vite", "to": "fin-2", "competences": ["C1.6"]},
        ]
        if i in (4, 7):
            choices.append(
                {"label": "Céder sur le prix", "consequence": "Le client est ravi, vous moins.", "to": "fin-3"}
            )
        nodes[f"etape-{i}"] = {
            "speaker": "client" if i % 2 else None,
            "text": f"Étape {i} de la situation {index} (version {version}) : le client vous répond.",
            "choices": choices,
        }
        if nodes[f"etape-{i}"]["speaker"] is None:
            del nodes[f"etape-{i}"]["speaker"]
    for key, title in (("fin-1", "Un accord clair"), ("fin-2", "Une occasion manquée"), ("fin-3", "Un prix bradé")):
        nodes[key] = {"ending": {"title": title, "debrief": f"Ce que montre la fin « {title} »."}}
    theme = SCENARIO_THEMES[index % len(SCENARIO_THEMES)]
    return {
        "format": scenario_files.FORMAT,
        "slug": f"{SCENARIO_SLUG_PREFIX}{index:03d}",
        "title": f"{theme} ({index})",
        "summary": "Une mise en situation du banc d'essai.",
        "minutes": 10,
        "situation": f"Vous êtes en télétravail et le téléphone sonne (version {version}).",
        "cast": {"client": "Le client"},
        "start": "etape-1",
        "nodes": nodes,
    }


def _scenarios_done(ctx: ScaleContext) -> bool:
    return Scenario.objects.filter(slug__startswith=SCENARIO_SLUG_PREFIX).count() >= scenario_count(ctx)


@seeder("learning.scenarios", done=_scenarios_done)
def seed_scenarios(ctx: ScaleContext) -> int:
    """Imported through the same importer as staff files, each twice (version 1, then a changed version 2)."""
    import json

    rows = 0
    for index in range(1, scenario_count(ctx) + 1):
        for version in (1, 2):
            scenario_files.import_file(json.dumps(_scenario_data(index, version), ensure_ascii=False), by=None)
            rows += 1 + 12 + 27
    return rows


def _runs_done(ctx: ScaleContext) -> bool:
    return Run.objects.filter(
        member__email=BENCH_APPRENTICE, version__scenario__slug__startswith=SCENARIO_SLUG_PREFIX
    ).exists()


def _graphs() -> list[tuple[int, int, dict[int, list[tuple[int, int]]], set[int]]]:
    """Per version of the bench scenarios: (version id, start node, {node: [(choice, target)]}, endings)."""
    versions = {}
    nodes = Node.objects.filter(version__scenario__slug__startswith=SCENARIO_SLUG_PREFIX)
    endings = set(nodes.filter(is_ending=True).values_list("pk", flat=True))
    for version_id, start_id in (
        Scenario.objects.filter(slug__startswith=SCENARIO_SLUG_PREFIX)
        .values_list("versions__pk", "versions__start_id")
        .order_by("versions__pk")
    ):
        versions[version_id] = (start_id, {})
    for choice_id, node_id, target_id, version_id in Choice.objects.filter(
        node__version__scenario__slug__startswith=SCENARIO_SLUG_PREFIX
    ).values_list("pk", "node_id", "target_id", "node__version_id"):
        versions[version_id][1].setdefault(node_id, []).append((choice_id, target_id))
    return [(vid, start, edges, endings) for vid, (start, edges) in versions.items()]


def _walk(ctx: ScaleContext, rng, graph, member: int, finish: bool, shared: bool = True):
    """A run and its steps (not saved): a random walk to an ending, or stopped half-way."""
    version_id, start, edges, endings = graph
    started = ctx.past(365)
    moment = started
    node = start
    steps = []
    stop_after = None if finish else rng.randint(1, 4)
    while node not in endings and (stop_after is None or len(steps) < stop_after):
        choice, target = rng.choice(edges[node])
        seconds = rng.randint(5, 180)
        moment += timedelta(seconds=seconds)
        steps.append(Step(number=len(steps) + 1, node_id=node, choice_id=choice, seconds=seconds, chosen_at=moment))
        node = target
    finished = node in endings
    run = Run(
        member_id=member,
        version_id=version_id,
        current_id=node,
        ending_id=node if finished else None,
        steps_count=len(steps),
        started_at=started,
        arrived_at=moment,
        finished_at=moment if finished else None,
        shared=shared,
    )
    return run, steps


@seeder("learning.runs", done=_runs_done)
def seed_runs(ctx: ScaleContext) -> int:
    """About STEPS_PER_USER recorded steps per member (1,000,000 at 100,000), on old and current versions; one
    finished shared run in three debriefed. Then bench-apprenti's runs: one finished and shared (bench-compagnon,
    their mentor, reviews it) and one in progress on the current version (the play step)."""
    rng = ctx.rng_for("learning.runs")
    graphs = _graphs()
    current = set(Scenario.objects.filter(slug__startswith=SCENARIO_SLUG_PREFIX).values_list("current_id", flat=True))
    members = list(User.objects.filter(email__endswith=SCALE_EMAILS).order_by("pk").values_list("pk", flat=True))
    members = members or role_ids(Role.APPRENTICE) or ctx.user_ids()
    target = STEPS_PER_USER * ctx.users
    rows = steps_written = 0
    while steps_written < target:
        pairs = [
            _walk(
                ctx, rng, rng.choice(graphs), rng.choice(members), finish=rng.random() < 0.85, shared=rng.random() < 0.8
            )
            for _ in range(ctx.batch_size // 8)
        ]
        runs = Run.objects.bulk_create([run for run, _s in pairs], batch_size=ctx.batch_size)
        batch_steps = []
        for run, (_r, steps) in zip(runs, pairs, strict=True):
            for step in steps:
                step.run_id = run.pk
            batch_steps.extend(steps)
        for chunk in batched(batch_steps, ctx.batch_size):
            Step.objects.bulk_create(chunk, batch_size=ctx.batch_size)
        debriefs = [
            Debrief(
                run_id=run.pk,
                mentor_id=rng.choice(members),
                text="Un débriefing du banc d'essai.",
                written_at=run.finished_at,
                updated_at=run.finished_at,
            )
            for run in runs
            if run.finished_at and run.shared and rng.randrange(DEBRIEF_SHARE) == 0
        ]
        Debrief.objects.bulk_create(debriefs, batch_size=ctx.batch_size)
        steps_written += len(batch_steps)
        rows += len(runs) + len(batch_steps) + len(debriefs)
    apprentice = User.objects.get(email=BENCH_APPRENTICE).pk
    on_current = [g for g in graphs if g[0] in current]
    for finish in (True, True, False):
        run, steps = _walk(ctx, rng, on_current[0], apprentice, finish=finish)
        run.save()
        for step in steps:
            step.run_id = run.pk
        Step.objects.bulk_create(steps)
        rows += 1 + len(steps)
    return rows


def bench_scenario_ids() -> dict[str, int | str | None]:
    """bench-apprenti's latest finished shared run (bench-compagnon reviews it), their run in progress (a play
    step), and the slug of the scenario they play (the figures page)."""
    mine = Run.objects.filter(member__email=BENCH_APPRENTICE, version__scenario__slug__startswith=SCENARIO_SLUG_PREFIX)
    finished = mine.filter(finished_at__isnull=False, shared=True).order_by("-pk").first()
    ongoing = mine.filter(finished_at__isnull=True).order_by("-pk").first()
    return {
        "scenario_run": finished.pk if finished else None,
        "scenario_play": ongoing.pk if ongoing else None,
        "scenario": finished.version.scenario.slug if finished else None,
    }
