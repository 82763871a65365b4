import contextlib
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from compagnons.skills.models import Certification
from tests.factories import UserFactory
from tests.factories.apprenticeship import CohortFactory, enroll, pair
from tests.factories.missions import MissionFactory


@pytest.fixture(scope="session", autouse=True)
def _warm_site_lookup(django_db_setup, django_db_blocker):
    """The site of the test client's host, looked up once (core.sites keeps it in the process): query-bound tests
    count no site lookup, whichever runs first."""
    from django.db import DatabaseError

    from compagnons.core import sites

    # no test of this run uses the database: pytest-django created no tables, and there is nothing to warm
    with django_db_blocker.unblock(), contextlib.suppress(DatabaseError):
        sites.site_for_host("testserver")


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def south(db, settings):
    """Another site than the default one, on sud.example (tests/factories/sites.py); SITE_URL is a real address so
    that each site's links can be told apart. Afterwards the default site is looked up again (warm, as before)."""
    from compagnons.core import sites
    from tests.factories.sites import south_site

    settings.SITE_URL = "https://compagnons.example"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "sud.example"]
    site = south_site(UserFactory(formateur=True))
    yield site
    sites.clear_cache()
    for host in ("testserver", "127.0.0.1", "localhost"):
        sites.site_for_host(host)


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


@pytest.fixture
def competences(db):
    """The current certification's competences, bloc by bloc."""
    return list(Certification.objects.current().competences.order_by("block__position", "position"))


@pytest.fixture
def cohort_name():
    """The name of `cohort` (a folder's conftest may name it otherwise)."""
    return "Promotion test"


@pytest.fixture
def cohort(formateur, cohort_name):
    """The formateur's cohort: started 120 days ago, ends in 200 days, 20 places."""
    return CohortFactory(
        name=cohort_name,
        formateur=formateur,
        starts_on=timezone.localdate() - timedelta(days=120),
        ends_on=timezone.localdate() + timedelta(days=200),
        capacity=20,
    )


@pytest.fixture
def enrolled(cohort, apprenti, formateur):
    """The apprenti's enrollment in the cohort, taken by the formateur."""
    return enroll(apprenti, cohort, by=formateur)


@pytest.fixture
def mentorship(enrolled, apprenti, compagnon, formateur):
    """The compagnon accompanies the apprenti, for 60 days now."""
    return pair(apprenti, compagnon, by=formateur, days_ago=60)


@pytest.fixture
def make_mission(client_user):
    """A draft posted by the client (default: client_user): `hours`, `euros`, `picked` competences."""

    def make(client=None, hours=10, euros=300, picked=None, **extra):
        return MissionFactory(
            client=client or client_user, estimated_hours=hours, budget_cents=euros * 100, competences=picked, **extra
        )

    return make


@pytest.fixture
def published(make_mission, formateur):
    """As make_mission, then submitted and published by the formateur."""

    def make(**kwargs):
        return make_mission(state="published", qualified_by=formateur, **kwargs)

    return make
