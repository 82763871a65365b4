"""Apprenticeship: cohorts, enrollments, mentorships and their sessions, built through apprenticeship's services.

The services stamp « now » (enrolled, ended, started); a test that needs a past date asks for it (`ended_on=`,
`days_ago=`) and the row is dated back after the service wrote it, the one hand-written step.
"""

from datetime import datetime, time, timedelta

import factory
from django.utils import timezone

from compagnons.accounts.models import Role
from compagnons.apprenticeship import services
from compagnons.apprenticeship.models import Cohort, DropCause, Enrollment, MentoringSession, Mentorship
from compagnons.skills.models import Certification
from tests.factories.accounts import UserFactory


def aware(day):
    """Noon of that day, timezone-aware: the time of day a dated-back row is given."""
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


class CohortFactory(factory.django.DjangoModelFactory):
    """A cohort of the current certification saved by its formateur (`save_cohort`). By default it started 30 days
    ago and runs 330 days; `ended_on=<date>` gives one that ran the 300 days before that date; `upcoming=True` one
    that starts in 30 days."""

    class Meta:
        model = Cohort

    class Params:
        ended_on = None
        upcoming = factory.Trait(starts_on=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30)))

    name = factory.Sequence(lambda n: f"Promotion {n}")
    certification = factory.LazyFunction(Certification.objects.current)
    formateur = factory.SubFactory(UserFactory, roles=[Role.STAFF])
    starts_on = factory.LazyAttribute(
        lambda o: o.ended_on - timedelta(days=300) if o.ended_on else timezone.localdate() - timedelta(days=30)
    )
    ends_on = factory.LazyAttribute(lambda o: o.ended_on or o.starts_on + timedelta(days=330))
    funding = "opco"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        cohort = model_class(*args, **kwargs)
        return services.save_cohort(cohort, by=cohort.formateur)


ENDINGS = (
    Enrollment.Status.COMPLETED,
    Enrollment.Status.CERTIFIED,
    Enrollment.Status.DROPPED_OUT,
)


def enroll(
    member, cohort, *, status=Enrollment.Status.ACTIVE, cause=DropCause.OTHER, since=None, ended_on=None, by=None
):
    """`member` in `cohort`, taken by staff (the cohort's formateur unless `by`) through the services as far as
    `status`: requested (the member asks), active (`enroll`), completed (`complete_path`), dropped out (`drop_out`
    with `cause`), certified (adoption piece, then received compagnon). `since`: the path is dated back to start
    that day; `ended_on`: an ended path, to end that day."""
    by = by or cohort.formateur
    if status == Enrollment.Status.REQUESTED:
        return services.request_enrollment(cohort, member)
    enrollment = services.enroll(cohort, member, by=by)
    if status == Enrollment.Status.COMPLETED:
        enrollment = services.complete_path(enrollment, by=by)
    elif status == Enrollment.Status.DROPPED_OUT:
        enrollment = services.drop_out(enrollment, by=by, reason="…", cause=cause)
    elif status == Enrollment.Status.CERTIFIED:
        services.record_adoption_piece(member, by=by, description="Adoption")
        enrollment = services.receive_as_compagnon(member, by=by, grounds="Décision du jury")
    dates = {}
    if since is not None:
        dates["enrolled_at"] = aware(since)
    if ended_on is not None and status in ENDINGS:
        dates["ended_at"] = aware(ended_on)
    if dates:
        Enrollment.objects.filter(pk=enrollment.pk).update(**dates)
        enrollment.refresh_from_db()
    return enrollment


def pair(apprentice, mentor, *, by, days_ago=None) -> Mentorship:
    """`mentor` accompanies `apprentice` (`assign_mentor`); `days_ago`: the mentorship started that many days ago."""
    mentorship = services.assign_mentor(apprentice, mentor, by=by)
    if days_ago is not None:
        # the same local clock time `days_ago` calendar days back (wall-clock arithmetic in the local zone): across a
        # change of summer time, `now() - N days` falls on another local date between 22:00 and midnight
        started = timezone.localtime() - timedelta(days=days_ago)
        Mentorship.objects.filter(pk=mentorship.pk).update(started_at=started)
        mentorship.refresh_from_db()
    return mentorship


def log_session(mentorship, days_ago: int = 0, minutes: int = 60, confirm: bool = True, on=None) -> MentoringSession:
    """A session the mentor logged `days_ago` days ago (or `on` that day), confirmed by the apprentice unless
    `confirm=False`."""
    session = services.log_session(
        mentorship,
        by=mentorship.mentor,
        on=on or timezone.localdate() - timedelta(days=days_ago),
        duration_minutes=minutes,
        mode="visio",
    )
    if confirm:
        services.confirm_session(session, by=mentorship.apprentice)
    return session
