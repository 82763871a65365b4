"""« Le parcours » (/le-parcours/): public; the blocs of the certification in force, the stages and what each asks,
the open cohorts with their dates and funding, how funding works, the public results of past cohorts, and a call to
sign up that leads on to the positioning (issue 22)."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from compagnons.skills.models import Certification
from tests.factories.apprenticeship import CohortFactory
from tests.outcomes.test_pages import add_cohort

pytestmark = pytest.mark.django_db

URL = reverse("outcomes:path")


def open_cohort(formateur, *, name="Promotion Printemps", months=9, funding="opco"):
    start = timezone.localdate() + timedelta(days=30)
    return CohortFactory(
        name=name,
        starts_on=start,
        ends_on=start + timedelta(days=round(months * 30.44)),
        formateur=formateur,
        funding=funding,
    )


def test_a_visitor_reads_the_stages_the_blocs_and_is_invited_to_sign_up(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    certification = Certification.objects.current()
    assert certification.name in html
    for block in certification.blocks.all():
        assert block.code in html and escape(block.label) in html
    for stage in ("Apprenti·e", "Aspirant·e", "Compagnon"):
        assert f"<h3>{stage}</h3>" in html
    assert "travail d'adoption" in html and "chef-d'œuvre" in html
    # Funding: every kind a cohort may have, and the contrat de formation's rules (DOMAIN.md).
    for label in ("CPF", "OPCO", "France Travail", "Autofinancement"):
        assert f"<dt>{label}</dt>" in html
    assert "10 jours pour vous rétracter" in html and "30 %" in html
    # No open cohort: said, not invented.
    assert "Aucune promotion n'est ouverte" in html
    # The call to action: sign up as a learner, then the positioning.
    signup = reverse("account_signup") + "?pour=learn&amp;next=" + "%2Fpositionnement%2F"
    assert signup in html
    for name in ("skills:referentiel", "outcomes:results", "apprenticeship:chain"):
        assert f'href="{reverse(name)}"' in html


def test_open_cohorts_say_how_long_and_how_funded(client, formateur):
    open_cohort(formateur, months=9, funding="france_travail")
    closed = open_cohort(formateur, name="Promotion fermée")
    closed.open_for_requests = False
    closed.save()
    html = client.get(URL).content.decode()
    assert "Promotion Printemps" in html
    assert "environ 9 mois" in html
    assert re.search(r"financement :\s*France Travail", html)
    assert "Promotion fermée" not in html


def test_past_cohorts_results_are_shown_above_the_threshold_only(client, settings, world):
    year = str(world.cohort.ends_on.year)
    html = client.get(URL).content.decode()
    assert f'<th scope="row">{year}</th>' in html
    assert "non publié" in html  # fewer than 10 people behind each rate
    settings.OUTCOMES_PUBLIC_MIN_COUNT = 1
    cache.clear()
    html = client.get(URL).content.decode()
    row = html.split(f'<th scope="row">{year}</th>')[1].split("</tr>")[0]
    assert "non publié" not in row
    assert re.search(r"\d+ % <small>\(\d+\)</small>", row)


def test_a_member_is_sent_to_their_positioning(client, apprenti):
    client.force_login(apprenti)
    html = client.get(URL).content.decode()
    assert f'href="{reverse("skills:positioning_list")}"' in html
    assert "?pour=learn" not in html


def test_only_reading(client):
    assert client.post(URL).status_code == 405


def test_query_count_is_bounded_and_does_not_grow(client, world, formateur, django_assert_max_num_queries):
    with django_assert_max_num_queries(30) as cold:
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(4):  # the results come from the cache
        assert client.get(URL).status_code == 200
    for i in range(3):
        add_cohort(world.staff, 4, name=f"Promotion {i}", days_ago=400 + 400 * i)
        open_cohort(formateur, name=f"Ouverte {i}")
    cache.clear()
    with django_assert_max_num_queries(len(cold.captured_queries)):
        assert client.get(URL).status_code == 200
