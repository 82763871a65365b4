"""Learning: capsules with their quizzes and progress; scenarios, their versions, runs and recorded steps."""

from bench.scale.registry import ScaleContext, seeder

# --- Capsules --------------------------------------------------------------------------------------------
# isort: split

import uuid

from bench import BENCH_APPRENTICE as _BENCH_APPRENTICE
from bench.scale.registry import role_ids as _role_ids
from compagnons.accounts.models import Role as _Role
from compagnons.accounts.models import User as _User
from compagnons.learning.models import Attempt as _Attempt
from compagnons.learning.models import Capsule as _Capsule
from compagnons.learning.models import Option as _Option
from compagnons.learning.models import Progress as _Progress
from compagnons.learning.models import Question as _Question
from compagnons.skills.models import Certification as _Certification

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
    return _Capsule.objects.filter(slug__startswith=BENCH_CAPSULE_PREFIX)


@seeder("learning.capsules", done=lambda ctx: _bench_capsules().count() >= BENCH_CAPSULES)
def seed_capsules(ctx: ScaleContext) -> int:
    """300 published capsules, each with a quiz of four questions of three options, and one or two compétences."""
    rng = ctx.rng_for("learning.capsules")
    existing = set(_bench_capsules().values_list("slug", flat=True))
    slugs = [f"{BENCH_CAPSULE_PREFIX}{n:04d}" for n in range(1, BENCH_CAPSULES + 1)]
    rows = ctx.bulk(
        _Capsule,
        (
            _Capsule(
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
        _Question,
        (
            _Question(capsule_id=cid, position=q, text=f"Question {q} ?", multiple=False)
            for cid in new_ids
            for q in range(1, CAPSULE_QUESTIONS + 1)
        ),
    )
    questions = _Question.objects.filter(capsule_id__in=new_ids).values_list("pk", flat=True)
    rows += ctx.bulk(
        _Option,
        (
            _Option(question_id=qid, position=o, text=f"Réponse {o}", correct=o == 1, feedback=f"Parce que {o}.")
            for qid in questions.iterator()
            for o in range(1, CAPSULE_OPTIONS + 1)
        ),
    )
    certification = _Certification.objects.current()
    competences = list(certification.competences.values_list("pk", flat=True)) if certification else []
    if competences:
        through = _Capsule.competences.through
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
    return _Progress.objects.filter(capsule__slug__startswith=BENCH_CAPSULE_PREFIX).exists()


@seeder("learning.progress", done=_progress_done)
def seed_capsule_progress(ctx: ScaleContext) -> int:
    """Each scale apprentice (and bench-apprenti) has followed a few capsules: read, some quizzes passed, with
    their attempts."""
    rng = ctx.rng_for("learning.progress")
    capsule_ids = list(_bench_capsules().order_by("pk").values_list("pk", flat=True))
    members = _role_ids(_Role.APPRENTICE)
    bench = _User.objects.filter(email=_BENCH_APPRENTICE).values_list("pk", flat=True).first()
    if bench:
        members.append(bench)
    rows = []
    for member in members:
        for capsule_id in rng.sample(capsule_ids, min(PROGRESS_PER_APPRENTICE, len(capsule_ids))):
            started = ctx.past(365)
            passed = rng.random() < 0.6
            rows.append(
                _Progress(
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
    count = ctx.bulk(_Progress, rows)
    saved = _Progress.objects.filter(capsule__slug__startswith=BENCH_CAPSULE_PREFIX).values_list(
        "pk", "best_score", "started_at"
    )
    count += ctx.bulk(
        _Attempt,
        (
            _Attempt(
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
