import json

import pytest
from django.urls import reverse

from compagnons.accounts.models import Region
from compagnons.core.models import AuditLog

pytestmark = pytest.mark.django_db


class TestDashboard:
    @pytest.mark.parametrize(
        ("who", "section"),
        [
            ("apprenti", "Votre parcours d'apprenti·e"),
            ("compagnon", "Vos apprentis"),
            ("client_user", "Vos missions"),
            ("formateur", "Demandes de reconnaissance comme compagnon"),
        ],
    )
    def test_each_role_sees_its_section_and_what_comes_next(
        self, client, request, who, section, django_assert_max_num_queries
    ):
        client.force_login(request.getfixturevalue(who))

        with django_assert_max_num_queries(36):  # 30, + the panels of coaching, community and learning (constant)
            response = client.get(reverse("accounts:dashboard"))

        assert response.status_code == 200
        assert section in response.content.decode()

    def test_an_apprentice_does_not_see_staff_panels(self, client, apprenti):
        client.force_login(apprenti)
        html = client.get(reverse("accounts:dashboard")).content.decode()
        assert "Demandes de reconnaissance" not in html
        assert "Toutes mes missions" not in html

    def test_visitors_are_sent_to_login(self, client):
        response = client.get(reverse("accounts:dashboard"))
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


class TestProfile:
    def test_member_updates_profile_and_notifications(self, client, apprenti, django_assert_max_num_queries):
        client.force_login(apprenti)
        with django_assert_max_num_queries(8):
            assert client.get(reverse("accounts:profile")).status_code == 200

        response = client.post(
            reverse("accounts:profile"),
            {
                "first_name": "Léa",
                "last_name": "Martin",
                "trade": "Télésecrétariat",
                "region": Region.OCCITANIE,
                "languages": "français, occitan",
                "availability": "part_time",
                "availability_note": "Le matin",
                "digest": "daily",
            },
        )

        assert response.status_code == 302
        apprenti.refresh_from_db()
        assert (apprenti.trade, apprenti.region, apprenti.digest) == ("Télésecrétariat", "OCC", "daily")
        assert apprenti.notify_by_email is False
        assert AuditLog.objects.get(action="account.profile_updated").data["fields"]

    def test_bad_input_keeps_what_was_typed(self, client, apprenti):
        client.force_login(apprenti)

        response = client.post(
            reverse("accounts:profile"), {"first_name": "Léa", "trade": "Graphisme", "region": "XXX"}
        )

        assert response.status_code == 200
        html = response.content.decode()
        assert "Sélectionnez un choix valide" in html
        assert 'value="Graphisme"' in html
        apprenti.refresh_from_db()
        assert apprenti.trade == ""

    def test_visitors_are_sent_to_login(self, client):
        assert client.get(reverse("accounts:profile")).status_code == 302


class TestExport:
    def test_export_holds_everything_about_me_and_is_logged(
        self, client, apprenti, formateur, django_assert_max_num_queries
    ):
        from compagnons.accounts import services

        services.grant_role(apprenti, "client", by=formateur)
        client.force_login(apprenti)

        # 32, coaching 3, houses 2 (titles, recommendations), community 4, learning 4, api 1, funding 5
        with django_assert_max_num_queries(51):
            response = client.post(reverse("accounts:export"))

        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        data = json.loads(response.content)
        assert data["account"]["email"] == apprenti.email
        assert data["profile"]["first_name"] == "Léa"
        assert {r["role"] for r in data["roles"]} == {"apprentice", "client"}
        assert data["charter_acceptances"][0]["version"] == 1
        assert data["email_addresses"][0]["verified"] is True
        assert any(a["action"] == "account.role_granted" for a in data["activity"])
        assert AuditLog.objects.filter(action="account.data_exported", actor=apprenti).exists()

    def test_export_holds_only_my_data(self, client, apprenti, outsider):
        client.force_login(outsider)
        body = client.post(reverse("accounts:export")).content.decode()
        assert apprenti.email not in body
        assert outsider.email in body

    def test_export_refuses_get_and_visitors(self, client, apprenti):
        assert client.post(reverse("accounts:export")).status_code == 302
        client.force_login(apprenti)
        assert client.get(reverse("accounts:export")).status_code == 405
