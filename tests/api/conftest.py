import pytest

from compagnons.api import services
from compagnons.api.models import Scope
from compagnons.showcase import services as showcase
from tests.factories import UserFactory
from tests.factories.missions import MissionFactory

ALL_MEMBER_SCOPES = [s.value for s in Scope if s != Scope.READ_INDICATORS]


@pytest.fixture(autouse=True)
def api_settings(settings, tmp_path):
    """Limits high enough for the tests that are not about them; keys and media of each test's own."""
    settings.API_RATE_LIMIT_PER_IP = 100_000
    settings.API_RATE_LIMIT_PER_TOKEN = 100_000
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def make_token(user, scopes, days=30):
    _token, secret = services.create_token(user, name="Outil", scopes=list(scopes), days=days, by=user)
    return secret


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def token(compagnon):
    return make_token(compagnon, ALL_MEMBER_SCOPES)


@pytest.fixture
def published_mission(db):
    return MissionFactory(published=True, title="Refaire le site d'une boulangerie")


@pytest.fixture
def page(compagnon):
    profile = showcase.profile_of(compagnon)
    profile.headline = "Graphiste pour les associations"
    profile.save()
    showcase.add_service(profile, by=compagnon, title="Logo", price_cents=90000, unit="fixed", hours=24)
    return showcase.publish(profile, by=compagnon)


@pytest.fixture
def worker(db):
    from tests.factories.missions import declare

    member = UserFactory(compagnon=True, first_name="Nadia", last_name="Rivière")
    declare(member)
    return member
