import pytest

from compagnons.apprenticeship import services as path_services
from compagnons.missions import services
from tests.factories.missions import CHECKLIST, declare

__all__ = ["CHECKLIST"]  # imported from here by test files

# make_mission and published are shared: see tests/conftest.py.


@pytest.fixture
def declared(compagnon, apprenti):
    declare(compagnon)
    declare(apprenti, "under_compagnon")
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
