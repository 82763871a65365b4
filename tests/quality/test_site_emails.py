"""The quality e-mails point at the person's own site, from its sender (issue 19, docs/sites.md)."""

import pytest

from compagnons.quality import services
from compagnons.quality.notifications import send_survey_email
from tests.factories.quality import file_complaint
from tests.factories.sites import SOUTH_SENDER, signed_up_on
from tests.quality.conftest import make_survey

pytestmark = pytest.mark.django_db


def test_a_survey_link_is_on_the_persons_site(south, enrolled, apprenti, mailoutbox):
    survey = make_survey(signed_up_on(apprenti, south), enrolled)
    assert send_survey_email.call(survey.pk)
    [message] = mailoutbox
    assert "https://sud.example/" in message.body
    assert "compagnons.example" not in message.body
    assert message.from_email == SOUTH_SENDER


def test_a_members_complaint_is_acknowledged_and_answered_from_their_site(
    south, apprenti, formateur, mailoutbox, django_capture_on_commit_callbacks
):
    signed_up_on(apprenti, south)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = file_complaint(by=apprenti)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_complaint(complaint, "Voici ce que nous avons fait.", by=formateur)
    acknowledgement, answer = mailoutbox
    for message in (acknowledgement, answer):
        assert message.from_email == SOUTH_SENDER
        assert "https://sud.example/" in message.body and "compagnons.example" not in message.body


def test_a_visitors_complaint_keeps_the_default_site(south, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        file_complaint()
    [message] = mailoutbox
    assert "sud.example" not in message.body and message.from_email != SOUTH_SENDER
