"""A member's e-mails point at the site they signed up on, and come from its sender (issue 19, docs/sites.md)."""

import pytest
from django.core import mail

from compagnons.community import services
from compagnons.community.jobs import send_weekly_digests
from tests.factories.community import reply
from tests.factories.sites import SOUTH_SENDER, signed_up_on

pytestmark = pytest.mark.django_db


def test_an_immediate_notification_links_to_the_members_site(
    south, thread, asker, helper, django_capture_on_commit_callbacks
):
    signed_up_on(asker, south)
    services.set_email_preference(asker, "immediate", by=asker)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, helper)
    [message] = mail.outbox
    assert "https://sud.example/" in message.body and "compagnons.example" not in message.body
    assert message.from_email == SOUTH_SENDER


def test_the_digest_links_to_each_members_own_site(south, thread, asker, helper):
    reply(thread, helper)
    mail.outbox.clear()
    send_weekly_digests.call()
    [default] = mail.outbox
    assert "https://compagnons.example/" in default.body and "sud.example" not in default.body

    signed_up_on(asker, south)
    reply(thread, helper)
    mail.outbox.clear()
    send_weekly_digests.call()
    [message] = mail.outbox
    assert "https://sud.example/" in message.body and message.from_email == SOUTH_SENDER
