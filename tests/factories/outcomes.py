"""Outcomes: a path's exit and its surveys, and the answers, through outcomes' services."""

from compagnons.outcomes import services
from compagnons.outcomes.models import Exit, FollowUp
from tests.factories.apprenticeship import enroll


def exit_of(member, cohort, *, status, ended_on, **options) -> Exit:
    """`member` left `cohort` on `ended_on` (completed, certified or dropped out; see `enroll`): the exit is
    recorded with its four surveys (`record_exit_of_enrollment`)."""
    enrollment = enroll(member, cohort, status=status, since=cohort.starts_on, ended_on=ended_on, **options)
    return services.record_exit_of_enrollment(enrollment)


def answer(member, wave, situation, in_trade=None) -> FollowUp:
    """`member` answers the survey of `wave` months through their link (`answer_by_link`)."""
    follow_up = FollowUp.objects.get(exit__member=member, wave=wave)
    return services.answer_by_link(follow_up, {"situation": situation, "in_target_trade": in_trade})
