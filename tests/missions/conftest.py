from datetime import timedelta

import pytest
from django.utils import timezone

from compagnons.apprenticeship import services as path_services
from compagnons.missions import services
from compagnons.missions.models import Mission, WorkerProfile
from compagnons.skills.models import Certification

CHECKLIST = dict.fromkeys(services.QUALIFICATION_CHECKLIST, True)


@pytest.fixture
def competences():
    return list(Certification.objects.current().competences.order_by("block__position", "position"))


@pytest.fixture
def make_mission(client_user, competences):
    def make(client=None, hours=10, euros=300, status="draft", picked=None, **extra):
        today = timezone.localdate()
        mission = Mission.objects.create(
            client=client or client_user,
            title=extra.pop("title", "Tenir l'agenda d'un cabinet"),
            context="Un cabinet de trois kinés.",
            deliverables="Un agenda à jour chaque soir.",
            starts_on=extra.pop("starts_on", today + timedelta(days=3)),
            deadline=extra.pop("deadline", today + timedelta(days=30)),
            budget_cents=euros * 100,
            estimated_hours=hours,
            **extra,
        )
        mission.competences.set(picked or competences[:2])
        return mission

    return make


@pytest.fixture
def published(make_mission, formateur):
    def make(**kwargs):
        mission = make_mission(**kwargs)
        services.submit(mission, by=mission.client)
        return services.publish(mission, by=formateur, checklist=CHECKLIST)

    return make


@pytest.fixture
def declared(compagnon, apprenti):
    WorkerProfile.objects.create(member=compagnon, legal_status="micro", siret="73282932000074")
    WorkerProfile.objects.create(member=apprenti, legal_status="under_compagnon")
    return compagnon


@pytest.fixture
def assigned(published, declared, apprenti, formateur, client_user):
    """A mission given to a compagnon + apprenti binôme (the compagnon invoices)."""
    path_services.assign_mentor(apprenti, declared, by=formateur)
    mission = published()
    services.choose(services.apply(mission, declared, message="À deux", partner=apprenti), by=client_user)
    mission.refresh_from_db()
    return mission


@pytest.fixture
def closed(assigned, declared, client_user):
    services.start(assigned, by=declared)
    services.deliver(assigned, by=declared, note="Livré")
    services.accept_delivery(assigned, by=client_user)
    assigned.refresh_from_db()
    return assigned
