"""The personal link of a follow-up survey: signed for this survey and this person, it works without logging in for
`OUTCOMES_LINK_DAYS` (each e-mail carries a fresh one)."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse

from compagnons.core import tokens
from compagnons.core.sites import user_site_url
from compagnons.outcomes.models import FollowUp

TOKEN_PURPOSE = "follow-up"


def personal_link(follow_up: FollowUp, *, base: str | None = None) -> str:
    """In an e-mail, on the member's own site (docs/sites.md); on a page, `base=""` (the page's own site)."""
    token = tokens.make(TOKEN_PURPOSE, follow_up.pk, follow_up.exit.member_id)
    if base is None:
        base = user_site_url(follow_up.exit.member)
    return base + reverse("outcomes:answer", args=[follow_up.pk, token])


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
