import pytest
from django.core.cache import cache

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def apprenti(db):
    return UserFactory(apprentice=True, first_name="Léa", last_name="Martin")


@pytest.fixture
def compagnon(db):
    return UserFactory(compagnon=True, first_name="Jean-Pierre", last_name="Dubois")


@pytest.fixture
def client_user(db):
    """A donneur d'ordre ("client" is pytest-django's test client)."""
    return UserFactory(client=True, first_name="Sophie", last_name="Bernard")


@pytest.fixture
def formateur(db):
    return UserFactory(formateur=True, first_name="Claire", last_name="Moreau")


@pytest.fixture
def outsider(db):
    """A member with no link to anyone: must see nothing private."""
    return UserFactory(first_name="Olivier", last_name="Dehors")
