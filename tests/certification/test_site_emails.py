"""The jury's decision is told on the candidate's own site, from its sender (issue 19, docs/sites.md); the
credentials it issues keep one issuer whatever the site (tests/credentials/test_site_issuer.py)."""

import pytest

from compagnons.certification.models import Decision
from compagnons.certification.notifications import notify_decision
from tests.factories import UserFactory, judge_by_jury
from tests.factories.sites import SOUTH_SENDER, signed_up_on

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keys(settings, tmp_path):
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def test_the_decision_links_to_the_candidates_site(south, formateur, mailoutbox):
    candidate = signed_up_on(UserFactory(compagnon=True), south)
    decision = judge_by_jury(candidate, by=formateur)
    Decision.objects.filter(pk=decision.pk).update(notified_at=None)
    mailoutbox.clear()
    assert notify_decision.call(decision.pk)
    [message] = mailoutbox
    assert "https://sud.example/" in message.body and "compagnons.example" not in message.body
    assert message.from_email == SOUTH_SENDER
