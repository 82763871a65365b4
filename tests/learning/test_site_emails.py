"""The debrief is told on the member's own site, from its sender (issue 19, docs/sites.md)."""

import pytest

from compagnons.learning import services
from tests.factories.learning import import_scenario, play
from tests.factories.sites import SOUTH_SENDER, signed_up_on

pytestmark = pytest.mark.django_db


def test_the_debrief_links_to_the_members_site(
    south, apprenti, compagnon, mentorship, mailoutbox, django_capture_on_commit_callbacks
):
    signed_up_on(apprenti, south)
    run = play(import_scenario(), apprenti)
    with django_capture_on_commit_callbacks(execute=True):
        services.write_debrief(run, "Bien joué.", by=compagnon)
    [message] = mailoutbox
    assert "https://sud.example/" in message.body and "compagnons.example" not in message.body
    assert message.from_email == SOUTH_SENDER
