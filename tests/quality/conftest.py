"""Quality's tests use the shared cohort, enrollment and mentorship (tests/conftest.py); the helpers the test files
import live in tests/factories and are named here for them."""

import pytest

from tests.factories.apprenticeship import log_session
from tests.factories.quality import closed_mission, make_survey

__all__ = ["closed_mission", "log_session", "make_survey"]


@pytest.fixture
def cohort_name():
    return "Promotion qualité"
