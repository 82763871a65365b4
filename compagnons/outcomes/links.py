"""The personal link of a follow-up survey: signed for this survey and this person, it works without logging in for
`OUTCOMES_LINK_DAYS` (each e-mail carries a fresh one)."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse

from compagnons.core import tokens
from compagnons.outcomes.models import FollowUp

TOKEN_PURPOSE = "follow-up"


def personal_link(follow_up: FollowUp) -> str:
    token = tokens.make(TOKEN_PURPOSE, follow_up.pk, follow_up.exit.member_id)
    return settings.SITE_URL + reverse("outcomes:answer", args=[follow_up.pk, token])


def check_link(follow_up: FollowUp, token: str) -> None:
    """Raise tokens.InvalidLink (or ExpiredLink) unless the token is this survey's, for this person (still active),
    still valid."""
    tokens.check(
        token,
        purpose=TOKEN_PURPOSE,
        obj_pk=follow_up.pk,
        person_pk=follow_up.exit.member_id,
        max_age=timedelta(days=settings.OUTCOMES_LINK_DAYS),
        person_active=follow_up.exit.member.is_active,
    )
