from datetime import timedelta

import pytest
from django.utils import timezone

from compagnons.accounts.models import User
from tests.factories import UserFactory
from tests.factories.community import ask, reply


def settled(user):
    """A member whose account is past the newcomers' limits (a week old and more)."""
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=60))
    user.refresh_from_db()
    return user


@pytest.fixture
def asker(apprenti):
    return settled(apprenti)


@pytest.fixture
def helper(compagnon):
    return settled(compagnon)


@pytest.fixture
def other(db):
    return settled(UserFactory(apprentice=True, first_name="Nina", last_name="Roux"))


@pytest.fixture
def thread(asker):
    return ask(asker)


@pytest.fixture
def answered(thread, helper):
    """The thread with the helper's answer; returns the answer."""
    return reply(thread, helper)
