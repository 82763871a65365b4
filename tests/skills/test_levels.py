from datetime import timedelta

import pytest
from django.utils import timezone

from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.skills import services
from compagnons.skills.models import Assessment, Certification, Level

pytestmark = pytest.mark.django_db


@pytest.fixture
def competence():
    return Certification.objects.current().competences.first()


def test_nothing_yet_is_not_assessed(apprenti, competence):
    current = services.current_levels(apprenti, competence.certification)[competence.pk]
    assert (current.level, current.status) == (None, "none")


def test_a_self_assessment_alone_is_only_declared(apprenti, competence):
    services.record_assessment(apprenti, competence, Level.MASTERED, source="self", by=apprenti)

    current = services.current_levels(apprenti, competence.certification)[competence.pk]
    assert (current.level, current.status) == (Level.MASTERED, "declared")
    assert current.status_label == "déclaré"


def test_the_highest_level_confirmed_by_someone_else_counts(apprenti, formateur, competence):
    services.record_assessment(apprenti, competence, Level.MASTERED, source="self", by=apprenti)
    services.record_assessment(apprenti, competence, Level.IN_PROGRESS, source="staff", by=formateur)

    current = services.current_levels(apprenti, competence.certification)[competence.pk]
    assert (current.level, current.status) == (Level.IN_PROGRESS, "confirmed")


def test_each_assessor_latest_view_counts_and_the_highest_wins(apprenti, formateur, competence):
    from tests.factories import UserFactory

    other_staff = UserFactory(formateur=True)
    now = timezone.now()
    first = services.record_assessment(apprenti, competence, Level.ACQUIRED, source="staff", by=formateur)
    revised = services.record_assessment(apprenti, competence, Level.IN_PROGRESS, source="staff", by=formateur)
    Assessment.objects.filter(pk=first.pk).update(assessed_at=now - timedelta(days=2))
    Assessment.objects.filter(pk=revised.pk).update(assessed_at=now - timedelta(days=1))
    services.record_assessment(apprenti, competence, Level.NOT_ACQUIRED, source="staff", by=other_staff)

    current = services.current_levels(apprenti, competence.certification)[competence.pk]
    assert current.level == Level.IN_PROGRESS  # formateur revised down; the other formateur says less


def test_nobody_confirms_their_own_level(apprenti, competence):
    with pytest.raises(PermissionRefused):
        services.record_assessment(apprenti, competence, Level.ACQUIRED, source="staff", by=apprenti)
    with pytest.raises(PermissionRefused):
        services.record_assessment(apprenti, competence, Level.ACQUIRED, source="client", by=apprenti)
    assert not Assessment.objects.exists()


def test_only_the_mentor_assesses_as_mentor(apprenti, compagnon, formateur, competence):
    with pytest.raises(PermissionRefused):
        services.record_assessment(apprenti, competence, Level.ACQUIRED, source="mentor", by=compagnon)

    from compagnons.apprenticeship.services import assign_mentor

    assign_mentor(apprenti, compagnon, by=formateur)
    services.record_assessment(apprenti, competence, Level.ACQUIRED, source="mentor", by=compagnon)
    assert services.current_levels(apprenti, competence.certification)[competence.pk].level == Level.ACQUIRED


def test_one_evidence_backs_one_assessment_per_competence_and_source(apprenti, compagnon, formateur, competence):
    evidence = formateur  # any model instance stands for an evidence object here
    services.record_assessment(apprenti, competence, 2, source="evidence", by=compagnon, evidence=evidence)

    with pytest.raises(InvalidTransition):
        services.record_assessment(apprenti, competence, 3, source="evidence", by=compagnon, evidence=evidence)
    assert Assessment.objects.count() == 1


def test_an_unknown_level_is_refused(apprenti, formateur, competence):
    with pytest.raises(ValueError):
        services.record_assessment(apprenti, competence, 7, source="staff", by=formateur)
