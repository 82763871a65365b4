"""The personal link of a satisfaction survey: signed for this survey and this person, it works without logging in
for `QUALITY_SURVEY_LINK_DAYS` (each e-mail, reminders included, carries a fresh one)."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse

from compagnons.core import tokens
from compagnons.core.sites import user_site_url
from compagnons.quality.models import Survey

SURVEY_PURPOSE = "quality.survey"


def link_max_age() -> timedelta:
    """How long a personal survey link works."""
    return timedelta(days=getattr(settings, "QUALITY_SURVEY_LINK_DAYS", 30))


def survey_token(survey: Survey) -> str:
    return tokens.make(SURVEY_PURPOSE, survey.pk, survey.person_id)


def survey_link(survey: Survey) -> str:
    """On the person's own site (docs/sites.md)."""
    return user_site_url(survey.person) + reverse("quality:survey_link", args=[survey.pk, survey_token(survey)])


def check_survey_token(survey: Survey, token: str) -> None:
    """Raise tokens.ExpiredLink or tokens.InvalidLink (French message) unless the link is this person's."""
    tokens.check(
        token,
        purpose=SURVEY_PURPOSE,
        obj_pk=survey.pk,
        person_pk=survey.person_id,
        max_age=link_max_age(),
        person_active=survey.person.is_active,
    )
