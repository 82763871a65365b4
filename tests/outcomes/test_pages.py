"""The pages: who may see them, what they show, and queries that do not grow with the data."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from compagnons.apprenticeship.models import Enrollment
from compagnons.outcomes import services
from compagnons.outcomes.models import FollowUp, Situation
from tests.factories import UserFactory
from tests.factories.apprenticeship import CohortFactory, enroll

STAFF_PAGES = [
    ("outcomes:dashboard", {}),
    ("outcomes:people", {"figure": "dropped"}),
    ("outcomes:export_csv", {}),
    ("outcomes:export_xlsx", {}),
    ("outcomes:follow_ups", {}),
]


def add_cohort(formateur, n_holders: int, *, answered=True, name="Promotion Extra", days_ago=850):
    """More data of the same shape: the query counts must not move."""
    exited_on = timezone.localdate() - timedelta(days=days_ago)
    cohort = CohortFactory(name=name, formateur=formateur, ended_on=exited_on)
    for _ in range(n_holders):
        enroll(UserFactory(), cohort, status=Enrollment.Status.CERTIFIED, since=cohort.starts_on, ended_on=exited_on)
    services.sync_exits()
    if answered:
        FollowUp.objects.filter(exit__cohort=cohort, wave=6).update(
            answered_at=timezone.now(), situation=Situation.INDEPENDENT, in_target_trade=True
        )
    return cohort


class TestAccess:
    @pytest.mark.parametrize(("name", "query"), STAFF_PAGES)
    def test_anonymous_are_sent_to_login(self, client, name, query):
        response = client.get(reverse(name), query)
        assert response.status_code == 302
        assert "/comptes/login/" in response["Location"]

    @pytest.mark.parametrize(("name", "query"), STAFF_PAGES)
    def test_members_are_refused(self, client, compagnon, name, query):
        client.force_login(compagnon)
        assert client.get(reverse(name), query).status_code == 403

    def test_record_page_is_staff_only(self, client, world, apprenti):
        follow_up = FollowUp.objects.first()
        client.force_login(apprenti)
        assert client.get(reverse("outcomes:record", args=[follow_up.pk])).status_code == 403

    def test_results_are_public(self, client, db):
        assert client.get(reverse("outcomes:results")).status_code == 200


class TestDashboard:
    def test_shows_the_figures_with_links_to_the_people(self, client, world):
        client.force_login(world.staff)
        response = client.get(reverse("outcomes:dashboard"), {"cohort": world.cohort.pk})
        body = response.content.decode()
        assert response.status_code == 200
        assert "figure=ins-6-holders-in_work" in body
        assert "66,7 %" in body  # 2 / 3 holders of the cohort in work at 6 months
        assert "(2 / 3)" in body
        assert "data:image/svg+xml;base64," in body  # the charts, beside their tables

    def test_query_count_does_not_grow_with_the_data(self, client, world, django_assert_max_num_queries):
        client.force_login(world.staff)
        url = reverse("outcomes:dashboard")
        with django_assert_max_num_queries(40) as before:
            client.get(url)
        for i in range(3):
            add_cohort(world.staff, 5, name=f"Promotion {i}")
        with django_assert_max_num_queries(len(before.captured_queries)):
            assert client.get(url).status_code == 200

    def test_figures_are_cached_until_a_new_answer(
        self, client, world, django_assert_max_num_queries, django_capture_on_commit_callbacks
    ):
        client.force_login(world.staff)
        url, query = reverse("outcomes:dashboard"), {"cohort": world.cohort.pk}
        with django_assert_max_num_queries(40) as cold:
            assert "(2 / 3)" in client.get(url, query).content.decode()
        with django_assert_max_num_queries(len(cold.captured_queries) - 8):  # the aggregates come from the cache
            assert "(2 / 3)" in client.get(url, query).content.decode()
        h5 = FollowUp.objects.get(exit__member=world.people["h5"], wave=6)
        with django_capture_on_commit_callbacks(execute=True):
            services.record_by_phone(h5, {"situation": "independent", "in_target_trade": True}, by=world.staff)
        assert "(3 / 4)" in client.get(url, query).content.decode()

    def test_a_bad_filter_is_said_and_left_out_the_others_apply(self, client, world):
        client.force_login(world.staff)
        response = client.get(reverse("outcomes:dashboard"), {"year": "abc", "funding": "region"})
        body = response.content.decode()
        assert response.status_code == 200
        assert "Filtre ignoré" in body
        # The funding filter still applies: only the region-funded cohort in the table.
        assert f'?cohort={world.other.pk}">Promotion Autre</a>' in body
        assert f'?cohort={world.cohort.pk}">Promotion Fixture</a>' not in body


class TestPeople:
    def test_lists_the_people_behind_a_figure(self, client, world, django_assert_max_num_queries):
        client.force_login(world.staff)
        with django_assert_max_num_queries(8):
            response = client.get(
                reverse("outcomes:people"), {"figure": "ins-6-holders-neutralised", "cohort": world.cohort.pk}
            )
        body = response.content.decode()
        assert "H3 Fixture" in body and "H6 Fixture" in body
        assert "H1 Fixture" not in body

    def test_each_cohorts_figures_lead_to_that_cohorts_people(self, client, world):
        client.force_login(world.staff)
        body = client.get(reverse("outcomes:dashboard")).content.decode()
        assert f"cohort={world.other.pk}&amp;figure=certified" in body
        assert f"cohort={world.cohort.pk}&amp;figure=ins-6-holders-in_work" in body

    def test_a_drop_out_cause_lists_its_people(self, client, world):
        client.force_login(world.staff)
        body = client.get(reverse("outcomes:people"), {"figure": "cause-health"}).content.decode()
        assert "D2 Fixture" in body and "D1 Fixture" not in body

    def test_unknown_figure_is_404(self, client, world):
        client.force_login(world.staff)
        assert client.get(reverse("outcomes:people"), {"figure": "ins-6-nobody-x"}).status_code == 404


class TestExports:
    def test_csv_has_one_row_per_cohort(self, client, world):
        client.force_login(world.staff)
        response = client.get(reverse("outcomes:export_csv"), {"funding": "opco"})
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        assert rows[0][0] == "Promotion"
        assert [row[0] for row in rows[1:]] == ["Promotion Fixture"]
        fixture = dict(zip(rows[0], rows[1], strict=True))
        assert fixture["Entrés"] == "10"
        assert fixture["Insertion globale à 6 mois (%)"] == "66,7"  # a decimal comma: French spreadsheets

    def test_xlsx_france_competences_sheet(self, client, world):
        client.force_login(world.staff)
        response = client.get(reverse("outcomes:export_xlsx"))
        assert response.status_code == 200
        workbook = load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames == ["Indicateurs par promotion", "France Compétences", "Blocs"]
        sheet = workbook["France Compétences"]
        header = [cell.value for cell in sheet[1]]
        assert header[:6] == [
            "ANNEE",
            "NOMBRE_CERTIFIES",
            "NOMBRE_CERTIFIES_VAE",
            "TAUX_INSERTION_GLOBAL_6MOIS",
            "TAUX_INSERTION_METIER_6MOIS",
            "TAUX_INSERTION_METIER_2ANS",
        ]
        assert header[6:] == ["REPONDANTS_6MOIS", "TAUX_REPONSE_6MOIS", "REPONDANTS_2ANS", "TAUX_REPONSE_2ANS"]
        values = [cell.value for cell in sheet[2]]
        # 8 holders (h1…h6, o1, v1 by VAE); 6 months: 4 in work and 3 in the trade of 5 counted, 7 of 8 answered;
        # 2 years: h1 alone answered, in the trade.
        assert values == [world.exited_on.year, 8, 1, 80.0, 60.0, 100.0, 7, 87.5, 1, 12.5]
        blocks = workbook["Blocs"]
        assert [cell.value for cell in blocks[1]] == ["CODE", "LIBELLE", "LISTE_COMPETENCES", "MODALITES_EVALUATION"]
        assert blocks["A2"].value == "BC01"

    def test_the_france_competences_sheet_ignores_cohort_and_funding(self, client, world):
        """A cohort or funding filter would leave out the VAE holders, who have neither."""
        client.force_login(world.staff)
        response = client.get(reverse("outcomes:export_xlsx"), {"cohort": world.cohort.pk, "funding": "opco"})
        sheet = load_workbook(io.BytesIO(response.content))["France Compétences"]
        assert [cell.value for cell in sheet[2]][:3] == [world.exited_on.year, 8, 1]

    def test_exports_are_audited(self, client, world):
        from compagnons.core.models import AuditLog

        client.force_login(world.staff)
        client.get(reverse("outcomes:export_csv"))
        assert AuditLog.objects.filter(action="outcomes.exported", actor=world.staff).exists()


class TestPublicResults:
    def test_small_numbers_are_not_published(self, client, world, settings):
        settings.OUTCOMES_PUBLIC_MIN_COUNT = 10
        body = client.get(reverse("outcomes:results")).content.decode()
        # 11 people entered the two fixture cohorts: completion is shown; 5 counted holders at 6 months: not shown.
        assert "non publié" in body
        assert "73 %" in body  # completion: 8 / 11 (h1…h6, c1, o1)
        assert "80 %" not in body
        from compagnons.outcomes import public

        (row,) = public.results_by_year()
        assert row["completion"] == {"pct": 72.7, "num": 8, "base": 11, "hidden": False}
        assert row["insertion_6"] == {"pct": None, "num": None, "base": None, "hidden": True}  # 5 counted: too few
        assert row["satisfaction"]["hidden"]  # nobody answered

    def test_the_threshold_is_a_setting(self, client, world, settings):
        settings.OUTCOMES_PUBLIC_MIN_COUNT = 5
        body = client.get(reverse("outcomes:results")).content.decode()
        assert "80 %" in body  # insertion at 6 months: 4 / 5

    def test_queries_do_not_grow(self, client, world, formateur, django_assert_max_num_queries, settings):
        with django_assert_max_num_queries(12) as before:
            client.get(reverse("outcomes:results"))
        from django.core.cache import cache

        cache.clear()
        add_cohort(formateur, 12, name="Promotion Grande", days_ago=500)
        with django_assert_max_num_queries(len(before.captured_queries)):
            client.get(reverse("outcomes:results"))


class TestBoundedQueries:
    def test_the_exports_do_not_grow_with_cohorts(self, client, world, django_assert_max_num_queries):
        client.force_login(world.staff)
        with django_assert_max_num_queries(30) as before:
            client.get(reverse("outcomes:export_xlsx"))
        for i in range(3):
            add_cohort(world.staff, 4, name=f"Promotion X{i}")
        with django_assert_max_num_queries(len(before.captured_queries)):
            assert client.get(reverse("outcomes:export_xlsx")).status_code == 200
        with django_assert_max_num_queries(len(before.captured_queries)):
            assert client.get(reverse("outcomes:export_csv")).status_code == 200

    def test_the_survey_and_the_phone_form_run_few_queries(self, client, world, django_assert_max_num_queries):
        from compagnons.core import tokens

        follow_up = FollowUp.objects.get(exit__member=world.people["h5"], wave=6)
        link = reverse(
            "outcomes:answer", args=[follow_up.pk, tokens.make("follow-up", follow_up.pk, world.people["h5"].pk)]
        )
        with django_assert_max_num_queries(4):
            assert client.get(link).status_code == 200
        client.force_login(world.staff)
        with django_assert_max_num_queries(6):
            assert client.get(reverse("outcomes:record", args=[follow_up.pk])).status_code == 200


class TestFollowUpsAndPanel:
    def test_staff_see_surveys_without_answer(self, client, world, django_assert_max_num_queries):
        client.force_login(world.staff)
        with django_assert_max_num_queries(8):
            response = client.get(reverse("outcomes:follow_ups"), {"wave": "6"})
        body = response.content.decode()
        assert "H5 Fixture" in body  # no answer at 6 months
        assert "H1 Fixture" not in body

    def test_a_leaver_sees_their_open_survey_on_their_dashboard(self, client, world):
        h5 = world.people["h5"]
        FollowUp.objects.filter(exit__member=h5, wave=6).update(sent_at=timezone.now())
        client.force_login(h5)
        body = client.get(reverse("accounts:dashboard")).content.decode()
        assert "Que devenez-vous ?" in body
        assert "/suivi/reponse/" in body
