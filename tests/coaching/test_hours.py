"""Coaching counts as training hours through apprenticeship.attendance: confirmed by both sides, while the member is
enrolled on the path, within the period asked, once. The attendance sheets and the hours per cohort read the same
module."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnons.apprenticeship import attendance
from compagnons.apprenticeship.models import Enrollment
from compagnons.coaching import services
from compagnons.quality import exports, figures
from tests.factories import UserFactory
from tests.factories.apprenticeship import CohortFactory, enroll, log_session
from tests.factories.coaching import book, happened, publish

pytestmark = pytest.mark.django_db


def coached(coach, member, *, days_ago: int = 2, minutes: int = 45, capacity: int = 1, member_says="held", **extra):
    """A session `days_ago` days ago that the coach confirmed and the member confirmed with `member_says` (None: the
    member said nothing)."""
    slot = publish(coach, minutes=minutes, capacity=capacity, **extra)
    booking = book(slot, member)
    happened(slot, hours_ago=24 * days_ago)
    services.confirm_session(booking, by=coach, says="held")
    if member_says:
        services.confirm_session(booking, by=member, says=member_says)
    return booking


def _days(lines):
    return [(line.kind, line.minutes) for line in lines]


def test_lines_hold_mentoring_and_coaching_confirmed_by_both_with_who_and_kind(compagnon, apprenti, mentorship):
    coach = UserFactory(compagnon=True)
    log_session(mentorship, 10, 90)
    booking = coached(coach, apprenti, days_ago=5, minutes=45)

    lines = attendance.member_lines(apprenti)

    assert _days(lines) == [("mentoring", 90), ("coaching", 45)]
    assert lines[1].who == coach and lines[1].row == booking and lines[1].on == timezone.localdate(lines[1].starts_at)
    assert lines[0].who == compagnon and str(lines[1].kind_label) == "Séance de coaching"
    assert attendance.member_minutes(lines) == 135


def test_coaching_counts_only_when_both_sides_said_it_took_place(compagnon, apprenti, enrolled):
    coached(compagnon, apprenti, member_says=None)  # the member said nothing yet
    coached(compagnon, apprenti, days_ago=3, member_says="no_show")
    assert attendance.member_lines(apprenti) == []
    coached(compagnon, apprenti, days_ago=4)
    assert _days(attendance.member_lines(apprenti)) == [("coaching", 45)]


def test_coaching_counts_only_while_the_member_is_enrolled(compagnon, apprenti, formateur):
    coached(compagnon, apprenti, days_ago=20)
    assert attendance.member_lines(apprenti) == [], "not enrolled: not training hours"
    cohort = CohortFactory(formateur=formateur, starts_on=timezone.localdate() - timedelta(days=10))
    requested = enroll(apprenti, cohort, status=Enrollment.Status.REQUESTED)
    assert attendance.member_lines(apprenti) == [], "a request is not an enrollment"
    coached(compagnon, apprenti, days_ago=5, minutes=60)
    assert attendance.member_lines(apprenti) == []
    requested.delete()
    enrollment = enroll(apprenti, cohort)
    assert _days(attendance.member_lines(apprenti)) == [("coaching", 60)], "before the cohort started: not counted"
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status=Enrollment.Status.COMPLETED, ended_at=timezone.now() - timedelta(days=7)
    )
    assert attendance.member_lines(apprenti) == [], "after the exit: not counted"


def test_the_period_bounds_the_lines(compagnon, apprenti, enrolled):
    coached(compagnon, apprenti, days_ago=30)
    coached(compagnon, apprenti, days_ago=3, minutes=60)
    day = timezone.localdate(timezone.now() - timedelta(days=30))

    assert _days(attendance.member_lines(apprenti, date_from=day, date_to=day)) == [("coaching", 45)]
    assert _days(attendance.member_lines(apprenti, date_from=day + timedelta(days=1))) == [("coaching", 60)]
    assert attendance.member_lines(apprenti, date_to=day - timedelta(days=1)) == []


def test_no_double_counting_with_two_enrollments_or_a_group_session(compagnon, apprenti, formateur):
    first = CohortFactory(formateur=formateur, starts_on=timezone.localdate() - timedelta(days=100))
    enroll(apprenti, first, status=Enrollment.Status.COMPLETED, ended_on=timezone.localdate() - timedelta(days=1))
    second = CohortFactory(formateur=formateur, starts_on=timezone.localdate() - timedelta(days=50))
    enroll(apprenti, second)
    other = UserFactory(apprentice=True)
    enroll(other, second)
    group = publish(compagnon, minutes=90, capacity=4, starts_at=None)
    bookings = [book(group, apprenti), book(group, other)]
    happened(group, hours_ago=24 * 5)
    for booking in bookings:
        services.confirm_session(booking, by=compagnon, says="held")
        services.confirm_session(booking, by=booking.member, says="held")

    assert _days(attendance.member_lines(apprenti)) == [("coaching", 90)], "two enrollments cover the day: once"
    totals = attendance.cohort_totals([first.pk, second.pk])
    assert (totals[second.pk]["sessions"], totals[second.pk]["minutes"], totals[second.pk]["apprentices"]) == (
        2,
        180,
        2,
    )
    assert totals[second.pk]["by_kind"] == {"coaching": {"sessions": 2, "minutes": 180}}
    assert totals[first.pk]["minutes"] == 90, "the first path covered that day too: its own total"


def test_cohort_hours_count_coaching_with_mentoring_and_each_member_once(
    client, compagnon, apprenti, mentorship, cohort, formateur
):
    log_session(mentorship, 20, 90)
    coached(UserFactory(compagnon=True), apprenti, days_ago=5, minutes=30)
    coached(compagnon, apprenti, days_ago=4, member_says=None)  # not confirmed by the member

    found = figures.cohort_hours([cohort.pk])[cohort.pk]

    assert (found["members"], found["apprentices"], found["sessions"], found["minutes"]) == (1, 1, 2, 120)
    assert found == attendance.cohort_totals([cohort.pk])[cohort.pk]
    assert exports.attendance_context(apprenti)["minutes"] == 120, "the sheet and the cohort agree"
    client.force_login(formateur)
    page = client.get(reverse("quality:hours")).text
    assert "2.0 h (120 min)" in page or "2,0 h (120 min)" in page


@pytest.mark.parametrize("extra", [0, 6])
def test_reads_are_bounded(compagnon, apprenti, mentorship, cohort, extra, django_assert_max_num_queries):
    for i in range(1 + extra):
        log_session(mentorship, 30 - i)
        coached(compagnon, apprenti, days_ago=2 + i)
    with django_assert_max_num_queries(2):
        lines = attendance.member_lines(apprenti)
    assert len(lines) == 2 * (1 + extra)
    with django_assert_max_num_queries(3):
        assert attendance.cohort_totals([cohort.pk])[cohort.pk]["sessions"] == 2 * (1 + extra)


def test_coaching_is_registered_once_beside_mentoring():
    from compagnons.coaching import records

    attendance.register_source(records.HOURS)  # a second ready() changes nothing
    assert [source.kind for source in attendance.sources()] == ["mentoring", "coaching"]
