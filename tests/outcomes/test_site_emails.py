"""A follow-up survey's personal link is on the member's own site, from its sender (issue 19, docs/sites.md); on
their dashboard the link stays on the site they are looking at."""

import pytest
from django.utils import timezone

from compagnons.apprenticeship.models import Enrollment
from compagnons.outcomes.models import FollowUp
from compagnons.outcomes.notifications import send_follow_up
from tests.factories import UserFactory
from tests.factories.apprenticeship import CohortFactory
from tests.factories.outcomes import exit_of
from tests.factories.sites import SOUTH_SENDER, signed_up_on

pytestmark = pytest.mark.django_db


def test_the_follow_up_link_is_on_the_members_site(south, formateur, mailoutbox):
    cohort = CohortFactory(formateur=formateur, ended_on=timezone.localdate(), funding="cpf")
    member = signed_up_on(UserFactory(apprentice=True), south)
    exit_of(member, cohort, status=Enrollment.Status.COMPLETED, ended_on=timezone.localdate())
    follow_up = FollowUp.objects.get(exit__member=member, wave=0)
    mailoutbox.clear()
    assert send_follow_up.call(follow_up.pk, False)
    [message] = mailoutbox
    assert "https://sud.example/" in message.body and "compagnons.example" not in message.body
    assert message.from_email == SOUTH_SENDER
