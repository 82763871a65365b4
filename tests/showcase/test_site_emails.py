"""A visitor's message and an invitation to apply reach the member on their own site, from its sender (issue 19,
docs/sites.md)."""

import pytest

from compagnons.showcase import services
from compagnons.showcase.models import Service
from tests.factories.missions import MissionFactory
from tests.factories.sites import SOUTH_SENDER, signed_up_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(south, compagnon, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    signed_up_on(compagnon, south)
    profile = services.profile_of(compagnon)
    profile.headline = "Graphiste pour les associations"
    profile.save()
    Service.objects.create(profile=profile, title="Logo", price_cents=90000, unit="fixed", hours=24)
    return services.publish(profile, by=compagnon)


def test_a_visitors_message_is_forwarded_from_the_members_site(page, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.send_contact(page, name="Agnès", email="agnes@exemple.test", body="Bonjour", ip="10.0.0.9")
    [message] = mailoutbox
    assert message.from_email == SOUTH_SENDER and message.reply_to == ["agnes@exemple.test"]
    assert "https://sud.example/vitrine/messages/" in message.body and "compagnons.example" not in message.body


def test_an_invitation_links_to_the_members_site(
    page, client_user, formateur, mailoutbox, django_capture_on_commit_callbacks
):
    mission = MissionFactory(client=client_user, qualified_by=formateur, published=True)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(page, mission, by=client_user)
    [message] = mailoutbox
    assert f"https://sud.example{mission.get_absolute_url()}" in message.body
    assert message.from_email == SOUTH_SENDER
