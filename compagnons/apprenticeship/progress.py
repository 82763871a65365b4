"""Progress, read side: confirmed training minutes, the plan's progress and the carnet de route."""

from django.db.models import Count, Q, Sum

from compagnons.accounts.models import User
from compagnons.apprenticeship.models import Evidence, MentoringSession, PlanStep
from compagnons.skills.models import Competence


def training_minutes(apprentice: User) -> int:
    total = MentoringSession.objects.filter(apprentice=apprentice, status=MentoringSession.Status.CONFIRMED).aggregate(
        total=Sum("duration_minutes")
    )["total"]
    return total or 0


def plan_progress(apprentice: User) -> tuple[int, int]:
    """(steps done, steps in all) of the plan."""
    counts = PlanStep.objects.filter(goal__apprentice=apprentice).aggregate(
        done=Count("pk", filter=Q(done=True)), total=Count("pk")
    )
    return counts["done"], counts["total"]


def carnet(apprentice: User) -> list[dict]:
    """The carnet de route: per bloc, the compétences validated by evidence, with that evidence. Two queries."""
    validated = (
        Evidence.objects.filter(apprentice=apprentice, status=Evidence.Status.VALIDATED)
        .prefetch_related("competences__block")
        .order_by("reviewed_at")
    )
    by_competence: dict[Competence, list[Evidence]] = {}
    for evidence in validated:
        for competence in evidence.competences.all():
            by_competence.setdefault(competence, []).append(evidence)
    blocks: dict = {}
    for competence in sorted(by_competence, key=lambda c: (c.block.position if c.block else 0, c.position, c.code)):
        blocks.setdefault(competence.block, []).append(
            {"competence": competence, "evidence": by_competence[competence]}
        )
    return [{"block": block, "rows": rows} for block, rows in blocks.items()]
