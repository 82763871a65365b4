"""Follow-up, in the browser: the daily job sends a holder their 6-month survey; they follow the link from the
outbox without logging in, answer (a first try without the trade question is refused, their input kept), and the
team's dashboard shows the insertion rate move from nothing to 1 / 1. The public results page is accessible too."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from compagnons.apprenticeship.models import Enrollment
from compagnons.outcomes import jobs
from compagnons.outcomes.models import FollowUp
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_positioning import small_referentiel  # noqa: F401
from tests.factories import UserFactory
from tests.factories.apprenticeship import CohortFactory, enroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SURVEY_LINK = re.compile(r"https?://[^\s/]+(/suivi/reponse/\d+/[^\s/]+/)")


@pytest.fixture
def holder(charter, small_referentiel):  # noqa: F811
    staff = UserFactory(formateur=True, first_name="Claire", last_name="Moreau")
    exited = timezone.localdate() - timedelta(days=200)  # the 6-month survey came due 2–3 weeks ago
    cohort = CohortFactory(
        name="Promotion du printemps", certification=small_referentiel, ended_on=exited, formateur=staff
    )
    member = UserFactory(first_name="Rose", last_name="Lemoine")
    enroll(member, cohort, status=Enrollment.Status.CERTIFIED, since=cohort.starts_on, ended_on=exited)
    return member, staff


def test_follow_a_survey_link_answer_and_see_the_rate_move(open_browser, holder):
    member, staff = holder
    jobs.run_follow_ups.call()
    sent = [m for m in mail.outbox if m.to == [member.email]]
    assert len(sent) == 1, [m.subject for m in mail.outbox]
    path = SURVEY_LINK.search(sent[0].body).group(1)

    team = open_browser()
    team.log_in(staff)
    team.page.goto("/suivi/tableau/")
    holders_six = team.page.get_by_role("row", name=re.compile(r"^Titulaires, à 6 mois"))
    expect(holders_six).to_contain_text("—")
    assert_accessible(team.page)

    visitor = open_browser()
    page = visitor.page
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Que devenez-vous ?")
    assert_accessible(page)
    page.get_by_role("radio", name=re.compile("Activité indépendante")).check()
    page.get_by_label("Un mot pour l'équipe (facultatif)").fill("Trois clients réguliers grâce au parcours.")
    page.get_by_role("button", name="Envoyer ma réponse").click()
    expect(page.get_by_text("Dites-nous si ce travail est dans le métier visé")).to_be_visible()
    expect(page.get_by_label("Un mot pour l'équipe (facultatif)")).to_have_value(
        "Trois clients réguliers grâce au parcours."
    )
    assert_accessible(page)
    page.get_by_role("group", name=re.compile("métier visé")).get_by_label("Oui").check()
    page.get_by_role("button", name="Envoyer ma réponse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci pour votre réponse")
    assert_accessible(page)
    assert FollowUp.objects.get(exit__member=member, wave=6).situation == "independent"

    team.page.reload()
    expect(holders_six).to_contain_text("100,0 %")
    expect(holders_six).to_contain_text("(1 / 1)")
    holders_six.get_by_role("link", name="100,0 %").first.click()
    expect(team.page.get_by_role("heading", level=1)).to_have_text("Les personnes derrière ce chiffre")
    expect(team.page.get_by_role("row", name=re.compile("Rose Lemoine"))).to_be_visible()
    assert_accessible(team.page)

    visitor.page.goto("/resultats/")
    expect(visitor.page.get_by_role("heading", level=1)).to_have_text("Nos résultats")
    assert_accessible(visitor.page)
