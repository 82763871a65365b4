"""The path's reminder points at the member's own site, from its sender (issue 19, docs/sites.md)."""

import pytest

from compagnons.apprenticeship.notifications import send_inactivity_reminder
from tests.factories.sites import SOUTH_SENDER, signed_up_on

pytestmark = pytest.mark.django_db


def test_the_inactivity_reminder_is_on_the_members_site(south, enrolled, apprenti, mailoutbox):
    signed_up_on(apprenti, south)
    assert send_inactivity_reminder.call(enrolled.pk)
    [message] = mailoutbox
    assert "https://sud.example/" in message.body and "compagnons.example" not in message.body
    assert message.from_email == SOUTH_SENDER
