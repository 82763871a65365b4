"""A coaching invitation reaches each side on their own site, from its sender (issue 19, docs/sites.md): one
message when coach and member share a site, one each otherwise."""

import pytest

from tests.factories.coaching import book, publish
from tests.factories.sites import SOUTH_SENDER, signed_up_on

pytestmark = pytest.mark.django_db


def test_each_side_gets_the_invitation_on_their_own_site(
    south, compagnon, apprenti, mailoutbox, django_capture_on_commit_callbacks
):
    signed_up_on(apprenti, south)
    slot = publish(compagnon)
    with django_capture_on_commit_callbacks(execute=True):
        book(slot, apprenti)
    by_address = {message.to[0]: message for message in mailoutbox}
    assert len(mailoutbox) == 2 and set(by_address) == {compagnon.email, apprenti.email}
    theirs, coachs = by_address[apprenti.email], by_address[compagnon.email]
    assert "https://sud.example/coaching/" in theirs.body and theirs.from_email == SOUTH_SENDER
    assert "https://compagnons.example/coaching/" in coachs.body and coachs.from_email != SOUTH_SENDER
    assert all(
        m.attachments or any(p.get_filename() == "invitation.ics" for p in m.message().walk()) for m in mailoutbox
    )
