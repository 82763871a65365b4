"""The outcome indicators, computed as France Compétences and Qualiopi define them (see docs/outcomes.md).

Every figure is a `Rate` (numerator, denominator, and the key of the people behind it) and is computed by a fixed
number of aggregate queries, whatever the number of cohorts or people: the pages' query counts are pinned by tests.

Insertion (France Compétences): among the people surveyed at a wave (6 months, 2 years), the respondents; minus the
neutralised answers (in training — work-study included —, unable to work, working abroad unless the trade is
international); `taux global = in work / (respondents − neutralised)`,
`taux métier = in work in the target trade / (respondents − neutralised)`; the response rate beside each.
The official population is the **holders** of the certification (path and VAE alike); the same rates over everyone
who left the path (drop-outs included) are an internal indicator, labelled as such.
"""

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear, TruncDate
from django.utils import timezone
from django.utils.translation import gettext

from compagnons.apprenticeship.models import Cohort, DropCause, Enrollment, MentoringSession
from compagnons.certification.models import BlockDecision, Route
from compagnons.core.ids import parse_id
from compagnons.missions.models import Application
from compagnons.outcomes.models import BankShare, Exit, FollowUp, in_work_situations, neutralised_situations
from compagnons.skills.models import Certification

HOLDERS, LEAVERS = "holders", "leavers"
INSERTION_WAVES = (FollowUp.Wave.SIX_MONTHS, FollowUp.Wave.TWO_YEARS)


@dataclass(frozen=True)
class Rate:
    num: int
    den: int
    key: str = ""

    @property
    def pct(self) -> float | None:
        return round(100 * self.num / self.den, 1) if self.den else None


@dataclass
class Insertion:
    """One wave, one population."""

    wave: int
    scope: str
    surveyed: int = 0
    respondents: int = 0
    neutralised: int = 0
    in_work: int = 0
    in_trade: int = 0
    via_bank: int = 0

    @property
    def counted(self) -> int:
        return self.respondents - self.neutralised

    def _key(self, part: str) -> str:
        return f"ins-{self.wave}-{self.scope}-{part}"

    @property
    def response(self) -> Rate:
        return Rate(self.respondents, self.surveyed, self._key("respondents"))

    @property
    def overall(self) -> Rate:
        return Rate(self.in_work, self.counted, self._key("in_work"))

    @property
    def trade(self) -> Rate:
        return Rate(self.in_trade, self.counted, self._key("in_trade"))

    @property
    def bank(self) -> Rate:
        return Rate(self.via_bank, self.respondents, self._key("via_bank"))

    def add(self, row: dict) -> None:
        for name in ("surveyed", "respondents", "neutralised", "in_work", "in_trade", "via_bank"):
            setattr(self, name, getattr(self, name) + row[name])


@dataclass
class PathFigures:
    entered: int = 0
    active: int = 0
    completed: int = 0  # path completed without the title
    certified: int = 0
    dropped: int = 0
    mentoring_minutes: int = 0

    @property
    def completion(self) -> Rate:
        return Rate(self.completed + self.certified, self.entered, "completed")

    @property
    def dropout(self) -> Rate:
        return Rate(self.dropped, self.entered, "dropped")

    @property
    def certification(self) -> Rate:
        return Rate(self.certified, self.entered, "certified")

    @property
    def mentoring_hours(self) -> float:
        return round(self.mentoring_minutes / 60, 1)

    @property
    def hours_per_person(self) -> float | None:
        return round(self.mentoring_minutes / 60 / self.entered, 1) if self.entered else None

    def add(self, row: dict) -> None:
        for name in ("entered", "active", "completed", "certified", "dropped"):
            setattr(self, name, getattr(self, name) + row[name])


@dataclass
class Report:
    path: PathFigures
    causes: list[tuple[str, str, int]]
    blocks: list[tuple[object, Rate]]
    insertion: dict[tuple[int, str], Insertion]
    exits: int
    with_mission: Rate
    median_days_to_mission: int | None
    missions_via_bank: int
    rows: list = field(default_factory=list)


@dataclass
class Filters:
    """The dashboard's filters: a certification (all its versions' cohorts and holders, VAE included), a cohort,
    a year (cohorts ending that year; exits that year), a funding source."""

    cohort: Cohort | None = None
    year: int | None = None
    funding: str = ""
    certification: Certification | None = None

    def enrollments(self) -> QuerySet:
        qs = Enrollment.objects.exclude(status=Enrollment.Status.REQUESTED).filter(enrolled_at__isnull=False)
        if self.certification is not None:
            qs = qs.filter(cohort__certification__slug=self.certification.slug)
        if self.cohort is not None:
            qs = qs.filter(cohort=self.cohort)
        if self.year:
            qs = qs.filter(cohort__ends_on__year=self.year)
        if self.funding:
            qs = qs.filter(cohort__funding=self.funding)
        return qs

    def exit_q(self, prefix: str = "") -> Q:
        """The exits these filters keep, as conditions on `<prefix>` (e.g. "exit__" from a survey): a join, not
        an `IN (SELECT …)` over every exit."""
        q = Q()
        if self.certification is not None:
            q &= Q(**{f"{prefix}certification__slug": self.certification.slug})
        if self.cohort is not None:
            q &= Q(**{f"{prefix}cohort": self.cohort})
        if self.year:
            q &= Q(**{f"{prefix}exited_on__year": self.year})
        if self.funding:
            q &= Q(**{f"{prefix}cohort__funding": self.funding})
        return q

    def exits(self) -> QuerySet:
        return Exit.objects.filter(self.exit_q())

    def cohorts(self) -> QuerySet:
        qs = Cohort.objects.all()
        if self.certification is not None:
            qs = qs.filter(certification__slug=self.certification.slug)
        if self.cohort is not None:
            qs = qs.filter(pk=self.cohort.pk)
        if self.year:
            qs = qs.filter(ends_on__year=self.year)
        if self.funding:
            qs = qs.filter(funding=self.funding)
        return qs

    def as_query(self) -> dict[str, str]:
        query = {}
        if self.certification is not None:
            query["certification"] = str(self.certification.pk)
        if self.cohort is not None:
            query["cohort"] = str(self.cohort.pk)
        if self.year:
            query["year"] = str(self.year)
        if self.funding:
            query["funding"] = self.funding
        return query


# --- The aggregate queries ------------------------------------------------------------------


def path_counts(enrollments: QuerySet, group: tuple[str, ...] = ()) -> list[dict]:
    """Entered, active, completed, certified and dropped out: one row for all, or one per value of `group`."""
    S = Enrollment.Status
    counts = {
        "entered": Count("pk"),
        "active": Count("pk", filter=Q(status=S.ACTIVE)),
        "completed": Count("pk", filter=Q(status=S.COMPLETED)),
        "certified": Count("pk", filter=Q(status=S.CERTIFIED)),
        "dropped": Count("pk", filter=Q(status=S.DROPPED_OUT)),
    }
    if group:
        return list(enrollments.values(*group).annotate(**counts).order_by())
    return [enrollments.aggregate(**counts)]


def _mentoring_minutes(enrollments: QuerySet, *, by_cohort: bool = False):
    """Confirmed (signed by both) session minutes of these enrollments' members, from the cohort's start to the
    member's exit (still running: to this day). One filter() call: every condition is on the same enrollment."""
    enrollment_window = Q(apprentice__enrollments__ended_at__isnull=True) | Q(
        date__lte=TruncDate("apprentice__enrollments__ended_at")
    )
    sessions = MentoringSession.objects.filter(
        enrollment_window,
        status=MentoringSession.Status.CONFIRMED,
        apprentice__enrollments__in=enrollments,
        date__gte=F("apprentice__enrollments__cohort__starts_on"),
    )
    if by_cohort:
        rows = sessions.values("apprentice__enrollments__cohort_id").annotate(minutes=Sum("duration_minutes"))
        return {row["apprentice__enrollments__cohort_id"]: row["minutes"] or 0 for row in rows.order_by()}
    return sessions.aggregate(minutes=Coalesce(Sum("duration_minutes"), 0))["minutes"]


def answer_window_days() -> int:
    """How long a survey may still be answered after its date: the last reminder's link, valid OUTCOMES_LINK_DAYS."""
    return settings.OUTCOMES_LINK_DAYS + 2 * settings.OUTCOMES_REMINDER_DAYS


def _surveys(filters: Filters, today: date) -> QuerySet:
    """The people surveyed: insertion surveys of the filtered exits that were answered, or whose answering window
    has closed unanswered (a survey still open is not yet a non-response)."""
    closed = today - timedelta(days=answer_window_days())
    return FollowUp.objects.filter(filters.exit_q("exit__"), wave__in=INSERTION_WAVES, due_on__lte=today).filter(
        Q(answered_at__isnull=False) | Q(due_on__lte=closed)
    )


def _insertion_counts(surveys: QuerySet, group: tuple[str, ...] = ()) -> list[dict]:
    answered = Q(answered_at__isnull=False)
    working = answered & Q(situation__in=in_work_situations())
    return list(
        surveys.values(*group, "wave", "exit__kind", "exit__route")
        .annotate(
            surveyed=Count("pk"),
            respondents=Count("pk", filter=answered),
            neutralised=Count("pk", filter=answered & Q(situation__in=neutralised_situations())),
            in_work=Count("pk", filter=working),
            in_trade=Count("pk", filter=working & Q(in_target_trade=True)),
            via_bank=Count("pk", filter=answered & Q(bank_share__in=[BankShare.SOME, BankShare.ALL])),
        )
        .order_by()
    )


def _fold_insertion(rows: list[dict]) -> dict[tuple[int, str], Insertion]:
    result = {(wave, scope): Insertion(wave, scope) for wave in INSERTION_WAVES for scope in (HOLDERS, LEAVERS)}
    for row in rows:
        if row["exit__kind"] == Exit.Kind.CERTIFIED:
            result[(row["wave"], HOLDERS)].add(row)
        if row["exit__route"] == Route.PATH:  # the internal indicator follows the path, not VAE
            result[(row["wave"], LEAVERS)].add(row)
    return result


def first_bank_mission(exits: QuerySet) -> QuerySet:
    """Exits annotated with the start of the first mission won through the bank that starts after the exit
    (as applicant or as the apprentice of a pair), and how many such missions."""
    won = Application.objects.filter(status=Application.Status.CHOSEN, mission__starts_on__gte=OuterRef("exited_on"))
    won = won.filter(Q(applicant=OuterRef("member_id")) | Q(partner=OuterRef("member_id")))
    first = won.order_by("mission__starts_on").values("mission__starts_on")[:1]
    count = won.order_by().values("status").annotate(n=Count("pk")).values("n")[:1]
    return exits.annotate(first_mission_on=Subquery(first), missions_won=Subquery(count, output_field=IntegerField()))


def _validated_blocks(filters: Filters) -> QuerySet:
    blocks = BlockDecision.objects.filter(validated=True)
    if filters.certification is not None:
        blocks = blocks.filter(block__certification__slug=filters.certification.slug)
    return blocks


def _cause_label(value: str) -> str:
    return DropCause(value).label if value in DropCause.values else gettext("Non précisée")


def report(filters: Filters) -> Report:
    """The whole picture for the filters (totals). Nine queries, whatever the data."""
    today = timezone.localdate()
    enrollments = filters.enrollments()
    exits = filters.exits()
    path = PathFigures()
    path.add(path_counts(enrollments)[0])
    path.mentoring_minutes = _mentoring_minutes(enrollments)
    causes = [
        (row["drop_cause"], _cause_label(row["drop_cause"]), row["n"])
        for row in enrollments.filter(status=Enrollment.Status.DROPPED_OUT)
        .values("drop_cause")
        .annotate(n=Count("pk"))
        .order_by("-n", "drop_cause")
    ]
    blocks = [
        (row, Rate(row["n"], path.entered, f"bloc-{row['block_id']}"))
        for row in _validated_blocks(filters)
        .filter(decision__candidate__in=enrollments.values("member_id"))
        .values("block_id", "block__code", "block__label")
        .annotate(n=Count("decision__candidate", distinct=True))
        .order_by("block__code")
    ]
    insertion = _fold_insertion(_insertion_counts(_surveys(filters, today)))
    exit_count = exits.count()
    delays, missions = [], 0
    for exited_on, first_on, won in (
        first_bank_mission(exits)
        .filter(first_mission_on__isnull=False)
        .values_list("exited_on", "first_mission_on", "missions_won")
    ):
        delays.append((first_on - exited_on).days)
        missions += won or 0
    return Report(
        path=path,
        causes=causes,
        blocks=blocks,
        insertion=insertion,
        exits=exit_count,
        with_mission=Rate(len(delays), exit_count, "first-mission"),
        median_days_to_mission=round(statistics.median(delays)) if delays else None,
        missions_via_bank=missions,
    )


@dataclass
class CohortRow:
    cohort: Cohort
    path: PathFigures
    insertion: dict[tuple[int, str], Insertion]

    @property
    def six_holders(self) -> Insertion:
        return self.insertion[(FollowUp.Wave.SIX_MONTHS, HOLDERS)]


def cohort_rows(cohorts: list[Cohort], filters: Filters) -> list[CohortRow]:
    """One row per cohort of the page: three queries for the whole page."""
    today = timezone.localdate()
    ids = [c.pk for c in cohorts]
    enrollments = filters.enrollments().filter(cohort_id__in=ids)
    counts = {row["cohort_id"]: row for row in path_counts(enrollments, ("cohort_id",))}
    minutes = _mentoring_minutes(enrollments, by_cohort=True)
    per_cohort: dict[int, list[dict]] = {}
    surveys = _surveys(filters, today).filter(exit__cohort_id__in=ids)
    for row in _insertion_counts(surveys, ("exit__cohort_id",)):
        per_cohort.setdefault(row["exit__cohort_id"], []).append(row)
    rows = []
    for cohort in cohorts:
        path = PathFigures()
        if cohort.pk in counts:
            path.add(counts[cohort.pk])
        path.mentoring_minutes = minutes.get(cohort.pk, 0)
        rows.append(CohortRow(cohort, path, _fold_insertion(per_cohort.get(cohort.pk, []))))
    return rows


@dataclass
class YearRow:
    """France Compétences' view: the holders certified in a year (ANNEE), and their insertion."""

    year: int
    certified: int = 0
    certified_vae: int = 0
    insertion: dict[tuple[int, str], Insertion] = field(default_factory=dict)

    @property
    def six_months(self) -> Insertion:
        return self.insertion[(FollowUp.Wave.SIX_MONTHS, HOLDERS)]

    @property
    def two_years(self) -> Insertion:
        return self.insertion[(FollowUp.Wave.TWO_YEARS, HOLDERS)]


def year_rows(filters: Filters) -> list[YearRow]:
    """Per year of certification (holders, all routes). Two queries."""
    today = timezone.localdate()
    exits = filters.exits()
    holders = (
        exits.filter(kind=Exit.Kind.CERTIFIED)
        .annotate(year=ExtractYear("exited_on"))
        .values("year")
        .annotate(n=Count("pk"), vae=Count("pk", filter=Q(route=Route.VAE)))
        .order_by("year")
    )
    rows = {row["year"]: YearRow(row["year"], row["n"], row["vae"]) for row in holders}
    per_year: dict[int, list[dict]] = {}
    surveys = _surveys(filters, today).annotate(year=ExtractYear("exit__exited_on"))
    for row in _insertion_counts(surveys, ("year",)):
        per_year.setdefault(row["year"], []).append(row)
    for year, row in rows.items():
        row.insertion = _fold_insertion(per_year.get(year, []))
    return [rows[year] for year in sorted(rows)]


# --- The people behind a figure (staff only) ----------------------------------------------------

ENROLLMENT_FIGURES = {
    "entered": Q(),
    "active": Q(status=Enrollment.Status.ACTIVE),
    "completed": Q(status__in=[Enrollment.Status.COMPLETED, Enrollment.Status.CERTIFIED]),
    "certified": Q(status=Enrollment.Status.CERTIFIED),
    "dropped": Q(status=Enrollment.Status.DROPPED_OUT),
}


def _survey_part(part: str) -> Q | None:
    answered = Q(answered_at__isnull=False)
    return {
        "surveyed": Q(),
        "respondents": answered,
        "nonrespondents": Q(answered_at__isnull=True),
        "neutralised": answered & Q(situation__in=neutralised_situations()),
        "counted": answered & ~Q(situation__in=neutralised_situations()),
        "in_work": answered & Q(situation__in=in_work_situations()),
        "in_trade": answered & Q(situation__in=in_work_situations(), in_target_trade=True),
        "via_bank": answered & Q(bank_share__in=[BankShare.SOME, BankShare.ALL]),
    }.get(part)


def people(filters: Filters, key: str) -> tuple[str, QuerySet] | None:
    """(kind, rows) for a figure's key, or None if the key means nothing. kind: enrollment, survey or exit."""
    if key in ENROLLMENT_FIGURES:
        rows = filters.enrollments().filter(ENROLLMENT_FIGURES[key]).select_related("member", "cohort")
        return "enrollment", rows.order_by("member__last_name", "member__first_name", "pk")
    if key.startswith("cause-") and key[6:] in [*DropCause.values, ""]:
        rows = filters.enrollments().filter(status=Enrollment.Status.DROPPED_OUT, drop_cause=key[6:])
        return "enrollment", rows.select_related("member", "cohort").order_by("member__last_name", "pk")
    if key.startswith("bloc-") and parse_id(key[5:]):
        holders = _validated_blocks(filters).filter(block_id=parse_id(key[5:])).values("decision__candidate_id")
        rows = filters.enrollments().filter(member_id__in=holders).select_related("member", "cohort")
        return "enrollment", rows.order_by("member__last_name", "member__first_name", "pk")
    if key == "first-mission":
        rows = first_bank_mission(filters.exits()).filter(first_mission_on__isnull=False)
        return "exit", rows.select_related("member", "cohort").order_by("exited_on", "pk")
    parts = key.split("-")
    if len(parts) == 4 and parts[0] == "ins" and parse_id(parts[1]) and parts[2] in (HOLDERS, LEAVERS):
        wave, scope, condition = parse_id(parts[1]), parts[2], _survey_part(parts[3])
        if wave not in INSERTION_WAVES or condition is None:
            return None
        population = Q(exit__kind=Exit.Kind.CERTIFIED) if scope == HOLDERS else Q(exit__route=Route.PATH)
        rows = _surveys(filters, timezone.localdate()).filter(condition, population, wave=wave)
        # Most recent first: it follows an index (wave, due_on) instead of sorting every row by name.
        return "survey", rows.select_related("exit__member", "exit__cohort").order_by("-due_on", "-pk")
    return None
