"""The way in: the header's « Coaching » link for every signed-in person, and the « Mon espace » panel's links, lead
members to the slots, coaches of the team to their slots, and tell the others who coaching is for."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _nav(html: str) -> str:
    return html.split('aria-label="Navigation principale"', 1)[1].split("</nav>", 1)[0]


def test_the_header_links_to_coaching_for_signed_in_people_only(client, apprenti):
    assert reverse("coaching:index") not in _nav(client.get(reverse("core:home")).text)
    client.force_login(apprenti)
    assert f'href="{reverse("coaching:index")}"' in _nav(client.get(reverse("core:home")).text)


def test_the_way_in_leads_each_person_to_their_page(client, apprenti, compagnon, formateur, client_user):
    assert "/comptes/login/" in client.get(reverse("coaching:index"))["Location"]
    for who, to in ((apprenti, "coaching:browse"), (compagnon, "coaching:browse"), (formateur, "coaching:coach")):
        client.force_login(who)
        response = client.get(reverse("coaching:index"))
        assert response.status_code == 302 and response["Location"] == reverse(to)
        assert client.get(response["Location"]).status_code == 200
    client.force_login(client_user)
    response = client.get(reverse("coaching:index"))
    assert response.status_code == 200 and "membres du parcours" in response.text
    assert f'href="{reverse("coaching:browse")}"' not in response.text


def test_the_panel_links_members_to_browse_and_their_bookings(client, apprenti, django_assert_max_num_queries):
    client.force_login(apprenti)
    page = client.get(reverse("accounts:dashboard")).text
    assert f'href="{reverse("coaching:browse")}"' in page and f'href="{reverse("coaching:my_bookings")}"' in page


def test_the_way_in_is_bounded(client, apprenti, django_assert_max_num_queries):
    client.force_login(apprenti)
    with django_assert_max_num_queries(6):
        client.get(reverse("coaching:index"))
