from datetime import timedelta

import pytest
from django.utils import timezone

from compagnons.apprenticeship import services
from compagnons.apprenticeship.models import Cohort, Mentorship
from compagnons.skills.models import Certification


@pytest.fixture
def cohort(formateur):
    today = timezone.localdate()
    return Cohort.objects.create(
        name="Promotion test",
        certification=Certification.objects.current(),
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=300),
        formateur=formateur,
        funding="opco",
        capacity=3,
    )


@pytest.fixture
def enrolled(cohort, apprenti, formateur):
    return services.enroll(cohort, apprenti, by=formateur)


@pytest.fixture
def mentorship(enrolled, apprenti, compagnon, formateur):
    m = services.assign_mentor(apprenti, compagnon, by=formateur)
    Mentorship.objects.filter(pk=m.pk).update(started_at=timezone.now() - timedelta(days=30))
    m.refresh_from_db()
    return m


@pytest.fixture
def competences():
    return list(Certification.objects.current().competences.order_by("block__position", "position"))
