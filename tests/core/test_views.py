import pytest
from django.urls import reverse

from compagnons.core import audit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_home_explains_the_path_and_calls_each_role_to_act(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(reverse("core:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="fr"' in html
    for words in ["Apprenti", "Aspirant", "Compagnon", "Commencer le parcours", "Proposer des missions", "Transmettre"]:
        assert words in html
    assert 'href="#contenu"' in html


def test_pages_carry_a_csp_with_a_nonce_and_no_unsafe_inline(client):
    response = client.get(reverse("core:home"))

    csp = response["Content-Security-Policy"]
    assert "'nonce-" in csp
    assert "unsafe-inline" not in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()
    assert f'"inlineStyleNonce": "{nonce}"' in response.content.decode()


def test_ok_is_bare(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/ok")
    assert response.content == b"ok"


def test_english_is_switchable_without_url_prefix(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302

    html = client.get("/").content.decode()
    assert 'lang="en"' in html
    assert "Start the path" in html


def test_privacy_page_is_public(client):
    response = client.get(reverse("core:privacy"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "L6353-1" in html
    assert "Votre page publique" in html and "Vos badges numériques" in html


class TestAuditLogPage:
    def test_staff_see_the_log_with_bounded_queries(self, client, formateur, apprenti, django_assert_max_num_queries):
        for i in range(30):
            audit.log(formateur, "account.role_granted", UserFactory(), n=i)
        client.force_login(formateur)

        with django_assert_max_num_queries(12):
            response = client.get(reverse("core:audit_log"))

        assert response.status_code == 200
        assert "account.role_granted" in response.content.decode()

    def test_filter_by_action(self, client, formateur, apprenti):
        audit.log(formateur, "charter.published", apprenti)
        audit.log(formateur, "account.role_granted", apprenti)
        client.force_login(formateur)

        html = client.get(reverse("core:audit_log"), {"action": "charter."}).content.decode()

        assert "charter.published" in html
        assert "account.role_granted" not in html

    @pytest.mark.parametrize("who", ["apprenti", "compagnon", "client_user", "outsider"])
    def test_members_are_refused(self, client, request, who):
        client.force_login(request.getfixturevalue(who))
        assert client.get(reverse("core:audit_log")).status_code == 403

    def test_visitors_are_sent_to_login(self, client):
        response = client.get(reverse("core:audit_log"))
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
