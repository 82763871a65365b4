"""Training hours, read in one place: the attendance sheets (quality), the hours per cohort (quality) and the
certificat de réalisation (funding) all count them here, so they never disagree.

The hours are the minutes of confirmed mentoring sessions (logged by the mentor, confirmed by the apprentice), plus
the sources that apps above apprenticeship register from their AppConfig.ready() with `register_source` (coaching
registers the sessions both sides confirmed). Apprenticeship never imports them: a source only names its rows.

A source may require the member to be enrolled on the path on the day of the row (`needs_enrollment`): the row then
counts only if some enrollment (not a mere request) covers that day, from its cohort's start until the member's exit.
Per cohort, every source counts the rows of the cohort's members dated from the cohort's start until their exit, so
a member enrolled twice is not counted twice.

API (bounded queries whatever the data):
- `member_lines(member, date_from=None, date_to=None) -> list[Line]`: dated lines (kind, minutes, who), oldest
  first; one query per source.
- `member_minutes(lines)`: their total.
- `cohort_totals(cohort_ids, date_from=None, date_to=None) -> {cohort_id: {members, apprentices, sessions, minutes,
  hours, by_kind}}`: one query plus one per source.
"""

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import reduce

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from compagnons.apprenticeship.models import Enrollment, MentoringSession


@dataclass(frozen=True)
class Source:
    """Rows that count as training hours, reached from the member (User) through `relation`.

    Paths are relative to the row: `member` (the FK to the person trained), `day` (a date or a datetime: set
    `day_is_datetime`), `who` (the FK to the person who trained them), `confirmed` (lookups a counted row meets).
    `minutes(prefix)` returns an expression of the row's minutes (an integer or a duration) under that path prefix.
    `mode(row)` gives the row's modality, shown on the sheets.
    """

    kind: str
    label: str
    relation: str
    member: str
    day: str
    who: str
    confirmed: dict
    minutes: Callable[[str], object]
    day_is_datetime: bool = False
    needs_enrollment: bool = False
    select_related: tuple[str, ...] = ()
    mode: Callable[[object], str] = lambda row: ""

    @property
    def day_lookup(self) -> str:
        return f"{self.day}__date" if self.day_is_datetime else self.day

    def model(self):
        from django.contrib.auth import get_user_model

        return get_user_model()._meta.get_field(self.relation).related_model


@dataclass(frozen=True)
class Line:
    """One dated line of training: `kind` (the source), `minutes`, `who` (who trained the member) and `row`."""

    kind: str
    kind_label: str
    on: date
    minutes: int
    who: object  # the User who gave the session
    mode: str
    starts_at: datetime | None = None
    row: object = field(default=None, compare=False)

    @property
    def who_name(self) -> str:
        return self.who.display_name if self.who is not None else ""


_sources: dict[str, Source] = {}


def register_source(source: Source) -> None:
    """Called from an AppConfig.ready(); registering the same kind again replaces it (idempotent)."""
    _sources[source.kind] = source


def sources() -> list[Source]:
    return list(_sources.values())


register_source(
    Source(
        kind="mentoring",
        label=_("Séance avec le compagnon"),
        relation="sessions_as_apprentice",
        member="apprentice",
        day="date",
        who="mentor",
        confirmed={"status": MentoringSession.Status.CONFIRMED},
        minutes=lambda prefix: F(f"{prefix}duration_minutes"),
        mode=lambda row: row.get_mode_display(),
    )
)


def _as_minutes(value) -> int:
    if value is None:
        return 0
    if isinstance(value, timedelta):
        return int(value.total_seconds() // 60)
    return int(value)


def _enrolled_on(member_path: str, day_path: str):
    """Some enrollment of the row's member (not a request) covers the row's day (OuterRef paths)."""
    return Exists(
        Enrollment.objects.filter(member_id=OuterRef(member_path), cohort__starts_on__lte=OuterRef(day_path))
        .exclude(status=Enrollment.Status.REQUESTED)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__date__gte=OuterRef(day_path)))
    )


def member_lines(member, date_from: date | None = None, date_to: date | None = None) -> list[Line]:
    """The member's training lines over the period (both bounds included), oldest first. One query per source."""
    lines: list[Line] = []
    for source in sources():
        rows = (
            source.model()
            .objects.filter(**{source.member: member}, **source.confirmed)
            .annotate(
                _day=TruncDate(source.day) if source.day_is_datetime else F(source.day),
                _minutes=source.minutes(""),
            )
            .select_related(source.who, *source.select_related)
        )
        if date_from:
            rows = rows.filter(_day__gte=date_from)
        if date_to:
            rows = rows.filter(_day__lte=date_to)
        if source.needs_enrollment:
            rows = rows.filter(_enrolled_on(source.member, "_day"))
        for row in rows.order_by("_day", "pk"):
            who = row
            for part in source.who.split("__"):
                who = getattr(who, part)
            starts_at = row
            if source.day_is_datetime:
                for part in source.day.split("__"):
                    starts_at = getattr(starts_at, part)
            lines.append(
                Line(
                    kind=source.kind,
                    kind_label=source.label,
                    on=row._day,
                    minutes=_as_minutes(row._minutes),
                    who=who,
                    mode=source.mode(row),
                    starts_at=starts_at if source.day_is_datetime else None,
                    row=row,
                )
            )
    lines.sort(key=lambda line: (line.on, line.starts_at is not None, line.starts_at or line.on, line.kind))
    return lines


def member_minutes(lines: list[Line]) -> int:
    return sum(line.minutes for line in lines)


def _in_cohort(source: Source, date_from: date | None, date_to: date | None) -> Q:
    """On Enrollment: the member's counted rows of this source, dated within the cohort (start to exit), in one Q so
    that every condition applies to the same joined row."""
    rel = f"member__{source.relation}__"
    day = f"{rel}{source.day_lookup}"
    q = Q(**{f"{rel}{k}": v for k, v in source.confirmed.items()})
    q &= Q(**{f"{day}__gte": F("cohort__starts_on")})
    q &= Q(ended_at__isnull=True) | Q(**{f"{day}__lte": TruncDate("ended_at")})
    if date_from:
        q &= Q(**{f"{day}__gte": date_from})
    if date_to:
        q &= Q(**{f"{day}__lte": date_to})
    return q


def _counted(source: Source, date_from: date | None, date_to: date | None) -> Q:
    """On Enrollment annotated with `_exit` (the day of the exit): the member has a counted row of this source within
    the cohort (start to exit)."""
    rows = source.model().objects.filter(
        **{source.member: OuterRef("member_id"), f"{source.day_lookup}__gte": OuterRef("cohort__starts_on")},
        **source.confirmed,
    )
    if date_from:
        rows = rows.filter(**{f"{source.day_lookup}__gte": date_from})
    if date_to:
        rows = rows.filter(**{f"{source.day_lookup}__lte": date_to})
    until_exit = rows.filter(**{f"{source.day_lookup}__lte": OuterRef("_exit")})
    return (Q(ended_at__isnull=True) & Q(Exists(rows))) | (Q(ended_at__isnull=False) & Q(Exists(until_exit)))


def cohort_totals(cohort_ids: list[int], date_from: date | None = None, date_to: date | None = None) -> dict:
    """Per cohort: enrolled members, members with some counted line (`apprentices`), lines (`sessions`), minutes and
    hours (one decimal), and `by_kind` {kind: {sessions, minutes}}. One query plus one per source."""
    enrolled = Enrollment.objects.filter(cohort_id__in=cohort_ids).exclude(status=Enrollment.Status.REQUESTED)
    by_kind: dict[int, dict] = {pk: {} for pk in cohort_ids}
    for source in sources():
        rel = f"member__{source.relation}__"
        rows = (
            enrolled.filter(_in_cohort(source, date_from, date_to))
            .values("cohort_id")
            .annotate(minutes=Sum(source.minutes(rel)), sessions=Count(f"{rel}pk"))
        )
        for row in rows:
            by_kind[row["cohort_id"]][source.kind] = {
                "sessions": row["sessions"],
                "minutes": _as_minutes(row["minutes"]),
            }
    counted = reduce(operator.or_, [_counted(source, date_from, date_to) for source in sources()])
    heads = {
        row["cohort_id"]: row
        for row in enrolled.annotate(_exit=TruncDate("ended_at"))
        .values("cohort_id")
        .annotate(members=Count("pk"), apprentices=Count("member_id", distinct=True, filter=counted))
    }
    result = {}
    for cohort_id in cohort_ids:
        kinds = by_kind.get(cohort_id, {})
        minutes = sum(k["minutes"] for k in kinds.values())
        result[cohort_id] = {
            "members": heads.get(cohort_id, {}).get("members", 0),
            "apprentices": heads.get(cohort_id, {}).get("apprentices", 0),
            "sessions": sum(k["sessions"] for k in kinds.values()),
            "minutes": minutes,
            "hours": round(minutes / 60, 1),
            "by_kind": kinds,
        }
    return result
