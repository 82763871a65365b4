from datetime import timedelta

import pytest
from django.utils import timezone

from compagnons.apprenticeship import services as path
from compagnons.apprenticeship.models import Cohort, Mentorship
from compagnons.missions.models import Mission
from compagnons.quality.models import Survey
from compagnons.skills.models import Certification


@pytest.fixture
def cohort(formateur):
    today = timezone.localdate()
    return Cohort.objects.create(
        name="Promotion qualité",
        certification=Certification.objects.current(),
        starts_on=today - timedelta(days=120),
        ends_on=today + timedelta(days=200),
        formateur=formateur,
        funding="opco",
        capacity=20,
    )


@pytest.fixture
def enrolled(cohort, apprenti, formateur):
    return path.enroll(cohort, apprenti, by=formateur)


@pytest.fixture
def mentorship(enrolled, apprenti, compagnon, formateur):
    m = path.assign_mentor(apprenti, compagnon, by=formateur)
    Mentorship.objects.filter(pk=m.pk).update(started_at=timezone.now() - timedelta(days=60))
    m.refresh_from_db()
    return m


def log_session(mentorship, days_ago: int, minutes: int = 60, confirm: bool = True):
    session = path.log_session(
        mentorship,
        by=mentorship.mentor,
        on=timezone.localdate() - timedelta(days=days_ago),
        duration_minutes=minutes,
        mode="visio",
    )
    if confirm:
        path.confirm_session(session, by=mentorship.apprentice)
    return session


def closed_mission(client, *, title="Refonte d'une plaquette", closed_at=None):
    today = timezone.localdate()
    return Mission.objects.create(
        client=client,
        title=title,
        context="Une librairie en ligne.",
        deliverables="Une plaquette de deux pages.",
        starts_on=today - timedelta(days=30),
        deadline=today - timedelta(days=5),
        budget_cents=60000,
        estimated_hours=20,
        status=Mission.Status.CLOSED,
        closed_at=closed_at or timezone.now() - timedelta(days=1),
    )


def make_survey(person, enrollment, *, kind=Survey.Kind.PATH_HOT, audience=Survey.Audience.APPRENTICE, **extra):
    now = timezone.now()
    defaults = {"event_at": now - timedelta(days=1), "closes_at": now + timedelta(days=40)}
    defaults.update(extra)
    return Survey.objects.create(
        kind=kind, audience=audience, person=person, enrollment=enrollment, cohort=enrollment.cohort, **defaults
    )
