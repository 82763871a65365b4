"""One rule for « team member » (core.permissions.is_team: the staff flag of an active account) in the path, the
ledger, skills and accounts: the role alone no longer decides, and the reads and writes sit in their own modules."""

from datetime import timedelta

import pytest
from django.utils import timezone

from compagnons.accounts import services as accounts_services
from compagnons.accounts.models import Role, User
from compagnons.apprenticeship import services
from compagnons.apprenticeship.models import Cohort
from compagnons.core import scheduler
from compagnons.core.exceptions import PermissionRefused
from compagnons.ledger import services as ledger_services
from compagnons.skills import referentiel
from compagnons.skills.models import Certification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _cohort(formateur) -> Cohort:
    today = timezone.localdate()
    return Cohort(
        name="P",
        certification=Certification.objects.current(),
        starts_on=today,
        ends_on=today + timedelta(days=100),
        formateur=formateur,
        funding="cpf",
        capacity=5,
    )


def _without_staff_flag(user: User) -> User:
    """The staff role kept, the staff flag lost (an account changed in the admin): not a team member."""
    User.objects.filter(pk=user.pk).update(is_staff=False)
    return User.objects.get(pk=user.pk)


def test_the_role_without_the_staff_flag_is_refused_everywhere(formateur, apprenti):
    former = _without_staff_flag(formateur)
    assert former.is_formateur
    with pytest.raises(PermissionRefused):
        services.save_cohort(_cohort(former), by=former)
    with pytest.raises(PermissionRefused):
        ledger_services.adjust(apprenti, 10, by=former, reason="x")
    with pytest.raises(PermissionRefused):
        accounts_services.grant_role(apprenti, Role.CLIENT, by=former)
    with pytest.raises(PermissionRefused):
        referentiel.new_version(Certification.objects.current(), by=former)


def test_a_deactivated_team_member_is_refused(formateur):
    User.objects.filter(pk=formateur.pk).update(is_active=False)
    with pytest.raises(PermissionRefused):
        services.save_cohort(_cohort(formateur), by=User.objects.get(pk=formateur.pk))


def test_the_staff_flag_is_the_team(formateur, apprenti):
    team = UserFactory(is_staff=True)
    assert not team.is_formateur
    assert services.save_cohort(_cohort(formateur), by=team).pk
    assert ledger_services.adjust(apprenti, 10, by=team, reason="Rattrapage").pk


def test_the_daily_reminders_are_a_job_of_jobs_py():
    job = {job.name: job for job in scheduler.registered_jobs()}["send_inactivity_reminders"]
    assert job.task.module_path == "compagnons.apprenticeship.jobs.send_inactivity_reminders"
    assert job.every == timedelta(days=1)
