"""The factories build rows the way the services do: audited, with the side effects a person's action has."""

from datetime import timedelta

import pytest
from django.utils import timezone

from compagnons.apprenticeship.models import Enrollment, Stage
from compagnons.core.models import AuditLog
from compagnons.missions.models import Mission
from compagnons.outcomes.models import FollowUp
from compagnons.quality.models import Complaint
from tests.factories import UserFactory
from tests.factories.apprenticeship import CohortFactory, enroll, pair
from tests.factories.missions import MissionFactory
from tests.factories.outcomes import exit_of
from tests.factories.quality import file_complaint

pytestmark = pytest.mark.django_db


def test_a_cohort_is_saved_by_its_formateur_and_dated_by_its_end():
    ended_on = timezone.localdate() - timedelta(days=400)
    cohort = CohortFactory(ended_on=ended_on)
    assert (cohort.starts_on, cohort.ends_on) == (ended_on - timedelta(days=300), ended_on)
    assert AuditLog.objects.for_object(cohort).get().action == "cohort.created"
    assert AuditLog.objects.for_object(cohort).get().actor == cohort.formateur


def test_an_enrollment_goes_through_each_step_and_is_dated_back():
    cohort = CohortFactory(ended_on=timezone.localdate() - timedelta(days=10))
    member = UserFactory()
    enrollment = enroll(
        member, cohort, status=Enrollment.Status.CERTIFIED, since=cohort.starts_on, ended_on=cohort.ends_on
    )
    assert (enrollment.status, enrollment.stage) == (Enrollment.Status.CERTIFIED, Stage.COMPAGNON)
    assert (enrollment.enrolled_at.date(), enrollment.ended_at.date()) == (cohort.starts_on, cohort.ends_on)
    member.refresh_from_db()
    assert member.is_compagnon and not member.is_apprentice  # received compagnon: roles follow
    assert list(enrollment.transitions.values_list("to_stage", flat=True)) == [Stage.ASPIRANT, Stage.COMPAGNON]


def test_a_mentorship_is_dated_back():
    formateur, apprentice = UserFactory(formateur=True), UserFactory(apprentice=True)
    mentorship = pair(apprentice, UserFactory(compagnon=True), by=formateur, days_ago=60)
    assert timezone.localdate(mentorship.started_at) == timezone.localdate() - timedelta(days=60)


def test_a_closed_mission_was_posted_qualified_chosen_and_delivered():
    mission = MissionFactory(closed=True)
    assert mission.status == Mission.Status.CLOSED
    assert mission.qualified_by.is_formateur and mission.competences.count() == 2
    assert mission.chosen.applicant == mission.invoiced_by
    assert mission.deliveries.get().status == "accepted"


def test_a_complaint_is_numbered_and_an_exit_has_its_four_surveys():
    assert file_complaint().number.startswith("R-")
    assert Complaint.objects.get().status == Complaint.Status.RECEIVED
    cohort = CohortFactory(ended_on=timezone.localdate() - timedelta(days=1))
    exit_ = exit_of(UserFactory(), cohort, status=Enrollment.Status.COMPLETED, ended_on=cohort.ends_on)
    assert exit_.exited_on == cohort.ends_on
    assert sorted(FollowUp.objects.filter(exit=exit_).values_list("wave", flat=True)) == sorted(FollowUp.Wave.values)
