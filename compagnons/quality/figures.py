"""The quality app's read models: satisfaction per cohort, training hours, the counts of complaints and actions, the
dashboard section and the public satisfaction by year (registered in core.reports for outcomes). Reads only: the
writes are in services.py."""

from django.db.models import Avg, Count, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone

from compagnons.accounts.models import User
from compagnons.apprenticeship import attendance
from compagnons.apprenticeship.models import Cohort
from compagnons.core.reports import Section
from compagnons.quality.models import SATISFIED_FROM, Complaint, ImprovementAction, Survey


def satisfaction_rows(cohort_ids: list[int]) -> list[dict]:
    """Per cohort, survey kind and audience: invited (the base), respondents, satisfied, mean score. One query."""
    rows = (
        Survey.objects.filter(cohort_id__in=cohort_ids)
        .values("cohort_id", "kind", "audience")
        .annotate(
            surveyed=Count("pk"),
            respondents=Count("pk", filter=Q(answered_at__isnull=False)),
            satisfied=Count("pk", filter=Q(answered_at__isnull=False, satisfaction__gte=SATISFIED_FROM)),
            mean=Avg("satisfaction", filter=Q(answered_at__isnull=False)),
        )
        .order_by("cohort_id", "kind", "audience")
    )
    kinds = dict(Survey.Kind.choices)
    audiences = dict(Survey.Audience.choices)
    result = []
    for row in rows:
        row["kind_label"] = kinds[row["kind"]]
        row["audience_label"] = audiences[row["audience"]]
        row["share"] = round(100 * row["satisfied"] / row["respondents"]) if row["respondents"] else None
        result.append(row)
    return result


def mission_satisfaction() -> dict:
    """Clients after a mission, all missions together. One query."""
    row = Survey.objects.filter(kind=Survey.Kind.MISSION).aggregate(
        surveyed=Count("pk"),
        respondents=Count("pk", filter=Q(answered_at__isnull=False)),
        satisfied=Count("pk", filter=Q(answered_at__isnull=False, satisfaction__gte=SATISFIED_FROM)),
        mean=Avg("satisfaction", filter=Q(answered_at__isnull=False)),
    )
    row["share"] = round(100 * row["satisfied"] / row["respondents"]) if row["respondents"] else None
    return row


def cohorts_with_results(cohort_ids: list[int]) -> list[tuple[Cohort, list[dict]]]:
    """Two queries: the cohorts, then their survey figures."""
    cohorts = list(Cohort.objects.filter(pk__in=cohort_ids).order_by("-starts_on", "name"))
    by_cohort: dict[int, list[dict]] = {}
    for row in satisfaction_rows([c.pk for c in cohorts]):
        by_cohort.setdefault(row["cohort_id"], []).append(row)
    return [(c, by_cohort.get(c.pk, [])) for c in cohorts]


def cohort_hours(cohort_ids: list[int]) -> dict[int, dict]:
    """Per cohort: enrolled members and the training hours of apprenticeship.attendance (confirmed mentoring
    sessions, coaching confirmed by both sides, …) dated from the cohort's start until the member's exit, so a member
    enrolled twice is not counted twice. Bounded queries (one, plus one per source of hours)."""
    return attendance.cohort_totals(cohort_ids)


DASHBOARD_ACTIONS = 10


def complaint_counts(today=None) -> dict:
    today = today or timezone.localdate()
    return Complaint.objects.aggregate(
        open=Count("pk", filter=Q(status__in=[Complaint.Status.RECEIVED, Complaint.Status.IN_PROGRESS])),
        overdue=Count(
            "pk",
            filter=Q(status__in=[Complaint.Status.RECEIVED, Complaint.Status.IN_PROGRESS], due_on__lt=today),
        ),
    )


def dashboard_context(cohort_ids: list[int]) -> dict:
    """For the staff dashboard (outcomes): everything under the one key `quality`, for
    `{% include "quality/dashboard_section.html" %}`. Five queries, whatever the data size:
    cohorts, their survey figures, the actions shown, the action counts, the complaint counts."""
    today = timezone.localdate()
    actions = list(
        ImprovementAction.objects.select_related("owner", "complaint")
        .annotate(
            closed=~Q(status__in=[ImprovementAction.Status.PLANNED, ImprovementAction.Status.IN_PROGRESS]),
        )
        .order_by("closed", "due_on", "pk")[:DASHBOARD_ACTIONS]
    )
    action_counts = ImprovementAction.objects.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=[ImprovementAction.Status.PLANNED, ImprovementAction.Status.IN_PROGRESS])),
        overdue=Count(
            "pk",
            filter=Q(
                status__in=[ImprovementAction.Status.PLANNED, ImprovementAction.Status.IN_PROGRESS], due_on__lt=today
            ),
        ),
    )
    return {
        "quality": {
            "cohorts": cohorts_with_results(list(cohort_ids)),
            "actions": actions,
            "action_counts": action_counts,
            "complaints": complaint_counts(today),
            "satisfied_from": SATISFIED_FROM,
        }
    }


def dashboard_section(cohort_ids: list[int]) -> Section:
    """The Qualiopi evidence beside the outcomes on their staff dashboard (registered in core.reports)."""
    return Section("quality/dashboard_section.html", dashboard_context(cohort_ids))


def satisfaction_by_year() -> dict[int, tuple[int, int]]:
    """Apprentices' end-of-path « à chaud » survey, by the year the path ended: (satisfied, respondents).

    Satisfied: overall satisfaction 3 or 4 on the 4-point scale (« Plutôt » or « Très satisfait·e »). One query.
    """
    rows = (
        Survey.objects.answered()
        .filter(kind=Survey.Kind.PATH_HOT, audience=Survey.Audience.APPRENTICE)
        .annotate(year=ExtractYear("event_at"))
        .values("year")
        .annotate(respondents=Count("pk"), satisfied=Count("pk", filter=Q(satisfaction__gte=SATISFIED_FROM)))
        .order_by("year")
    )
    return {row["year"]: (row["satisfied"], row["respondents"]) for row in rows}


def pending_surveys_for(user: User, limit: int = 5) -> list[Survey]:
    return list(Survey.objects.pending().filter(person=user).order_by("closes_at", "pk")[:limit])
