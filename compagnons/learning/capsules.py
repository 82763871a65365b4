"""Capsules, read side: the list with a member's progress, the capsules recommended from their gaps and their plan
(each with its reason), those in progress, the self-study time of the finished ones. Bounded queries, no writes.

A recommendation is never a judgement: it rests on the latest reviewed bilan de positionnement (a compétence whose
retained level is below « acquis ») and on the compétences of the individual plan. Nothing here changes a level.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Sum
from django.utils.translation import gettext as _

from compagnons.core.permissions import is_team
from compagnons.learning.models import Capsule, Progress, Question
from compagnons.skills.models import Assessment, Level, Positioning

RECOMMENDED = 5


@dataclass
class Row:
    capsule: Capsule
    progress: Progress | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def state(self) -> str:
        p = self.progress
        if p is None:
            return "new"
        if p.finished_at:
            return "finished"
        return "started"

    @property
    def next_step(self) -> str:
        """Where the member resumes: the text until read, then the quiz."""
        p = self.progress
        return "quiz" if p is not None and p.read_at else "read"


def visible(user):
    """Members see the published capsules; the team sees every one (drafts to preview, archived ones)."""
    return Capsule.objects.all() if is_team(user) else Capsule.objects.published()


def progress_of(member, capsule_ids) -> dict[int, Progress]:
    if not member.is_authenticated:
        return {}
    return {p.capsule_id: p for p in Progress.objects.filter(member=member, capsule_id__in=list(capsule_ids))}


def gap_competences(member) -> dict[int, str]:
    """{compétence id: code} below « acquis » in the member's latest reviewed bilan (the formateur's level, else the
    compagnon's, else the member's own). Two queries."""
    positioning = (
        Positioning.objects.filter(member=member, status=Positioning.Status.REVIEWED).order_by("-reviewed_at").first()
    )
    if positioning is None:
        return {}
    rank = {Assessment.Source.STAFF: 0, Assessment.Source.MENTOR: 1, Assessment.Source.SELF: 2}
    retained: dict[int, tuple[int, int, str]] = {}
    for competence_id, source, level, code in positioning.assessments.values_list(
        "competence_id", "source", "level", "competence__code"
    ):
        if source in rank and (competence_id not in retained or rank[source] < retained[competence_id][0]):
            retained[competence_id] = (rank[source], level, code)
    return {cid: code for cid, (_rank, level, code) in retained.items() if level < Level.ACQUIRED}


def plan_competences(member) -> dict[int, str]:
    """{compétence id: code} of the goals of the member's individual plan. One query."""
    from compagnons.apprenticeship.models import PlanGoal

    return dict(PlanGoal.objects.filter(apprentice=member).values_list("competence_id", "competence__code"))


def recommendations(member, *, limit: int = RECOMMENDED) -> list[Row]:
    """Published capsules serving the member's gaps and plan, not yet finished, each with its reasons
    (« parce que C1.2 est à travailler »). At most six queries, whatever the data."""
    if not member.is_authenticated:
        return []
    gaps = gap_competences(member)
    plan = plan_competences(member)
    wanted = set(gaps) | set(plan)
    if not wanted:
        return []
    links = list(
        Capsule.competences.through.objects.filter(competence_id__in=wanted, capsule__status="published").values_list(
            "capsule_id", "competence_id"
        )
    )
    reasons: dict[int, list[str]] = {}
    for capsule_id, competence_id in links:
        if competence_id in gaps:
            text = _("parce que %(code)s est à travailler") % {"code": gaps[competence_id]}
        else:
            text = _("parce que %(code)s est un objectif du plan") % {"code": plan[competence_id]}
        if text not in reasons.setdefault(capsule_id, []):
            reasons[capsule_id].append(text)
    progress = progress_of(member, reasons)
    finished = {cid for cid, p in progress.items() if p.finished_at}
    ranked = sorted((cid for cid in reasons if cid not in finished), key=lambda cid: (-len(reasons[cid]), cid))[:limit]
    capsules = Capsule.objects.in_bulk(ranked)
    return [Row(capsules[cid], progress.get(cid), sorted(reasons[cid])) for cid in ranked if cid in capsules]


def home(member) -> dict:
    """The learning home: recommended capsules first (with their reasons), then the others; each with the member's
    progress. Bounded: the page shows at most `LIST_SIZE` capsules besides the recommended."""
    recommended = recommendations(member)
    shown = {row.capsule.pk for row in recommended}
    capsules = list(visible(member).exclude(pk__in=shown).prefetch_related("competences").order_by("title")[:LIST_SIZE])
    progress = progress_of(member, [c.pk for c in capsules])
    return {
        "recommended": recommended,
        "rows": [Row(c, progress.get(c.pk)) for c in capsules],
        "in_progress": in_progress(member),
    }


LIST_SIZE = 100


def in_progress(member, *, limit: int = 5) -> list[Row]:
    """Capsules started and not finished, the latest first: where the member resumes. One query."""
    if not member.is_authenticated:
        return []
    rows = (
        Progress.objects.filter(member=member, finished_at__isnull=True, capsule__status="published")
        .select_related("capsule")
        .order_by("-started_at")[:limit]
    )
    return [Row(p.capsule, p) for p in rows]


def capsule_with_quiz(capsule: Capsule) -> Capsule:
    """The capsule with its questions and options in two queries (for the quiz and its feedback)."""
    questions = Question.objects.filter(capsule=capsule).prefetch_related("options")
    capsule.quiz = list(questions)
    return capsule


def self_study(member, *, limit: int = 50) -> dict:
    """Finished capsules as self-study time: titles, dates, minutes; the total. Two queries. This is time spent
    learning, never a validation of a compétence."""
    finished = Progress.objects.filter(member=member, finished_at__isnull=False)
    rows = list(finished.select_related("capsule").order_by("-finished_at")[:limit])
    totals = finished.aggregate(minutes=Sum("capsule__minutes"), count=Count("pk"))
    return {"rows": rows, "minutes": totals["minutes"] or 0, "count": totals["count"]}


def staff_list():
    return Capsule.objects.order_by("status", "title").prefetch_related(
        Prefetch("competences"),
    )
