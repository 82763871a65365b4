"""A search's frame kept in the process (core/frames.py): the page an anonymous visitor gets is byte for byte the
whole template's, with this response's own CSRF token, CSP nonce and return address; a member, a visitor with a flash
message and an htmx request get the whole template; a site's edit and the language change the frame."""

import re

import pytest
from django.contrib.messages import constants
from django.test import Client, RequestFactory
from django.urls import reverse

from compagnons.core import frames, sites
from compagnons.core.models import Site
from tests.core.test_fragments import fragment_cache  # noqa: F401 - the fixture
from tests.factories import UserFactory
from tests.factories.community import ask

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def _no_frames():
    frames._frames.clear()
    yield
    frames._frames.clear()


@pytest.fixture
def on(fragment_cache):  # noqa: F811 - the fixture imported above
    return fragment_cache


def _normalised(response) -> str:
    """The page with its CSRF tokens and its CSP nonce (wherever it is) as fixed strings."""
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    return TOKEN.sub('name="csrfmiddlewaretoken" value="T"', response.content.decode()).replace(nonce, "N")


@pytest.fixture
def searchable(published, compagnon):
    published(title="Relecture d'une plaquette")
    profile_owner = UserFactory(compagnon=True, trade="Graphiste", region="BRE")
    from compagnons.showcase import services

    profile = services.profile_of(profile_owner)
    profile.headline, profile.published = "Graphiste à Rennes", True
    profile.save()
    ask(compagnon, title="Comment relancer une facture ?", body="Une facture impayée depuis un mois.")


SEARCHES = [
    ("missions:list", {"q": "plaquette"}),
    ("missions:list", {"q": "<script>alert(1)</script> & co"}),
    ("showcase:directory", {"trade": "graph", "region": "BRE"}),
    ("community:search", {"q": "facture"}),
    ("community:search", {"q": "rien du tout"}),
]


@pytest.mark.parametrize(("view", "query"), SEARCHES)
def test_a_framed_search_is_the_whole_page(on, settings, searchable, view, query):
    url = reverse(view)
    settings.FRAGMENT_CACHE = False  # the whole template, as any other page
    whole = Client().get(url, query)
    settings.FRAGMENT_CACHE = True
    first = Client().get(url, query)  # renders the frame
    again = Client().get(url, query)  # from the frame kept
    assert len(frames._frames) == 1
    assert whole.status_code == first.status_code == again.status_code == 200
    expected = _normalised(whole)
    assert _normalised(first) == expected
    assert _normalised(again) == expected
    # the frame kept: the base template is not rendered again
    assert "core/base.html" in [t.name for t in first.templates]
    assert "core/base.html" not in [t.name for t in again.templates]


def test_each_response_has_its_own_token_nonce_and_return_address(on, searchable):
    from django.middleware.csrf import _does_token_match

    url = reverse("missions:list")
    Client().get(url, {"q": "agenda"})
    visitor = Client()
    response = visitor.get(url, {"q": 'plaquette "&<'})
    html = response.content.decode()
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in html and "\x00" not in html
    (token,) = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert _does_token_match(token, visitor.cookies["csrftoken"].value)
    assert response.wsgi_request.get_full_path() == "/missions/?q=plaquette+%22%26%3C"
    assert 'name="next" type="hidden" value="/missions/?q=plaquette+%22%26%3C"' in html
    assert "agenda" not in html
    raw = visitor.get(url + "?q=plaquette&autre='x'").content.decode()  # a query the client left as typed
    assert 'name="next" type="hidden" value="/missions/?q=plaquette&amp;autre=&#x27;x&#x27;"' in raw
    assert "Relecture d&#x27;une plaquette" in html


def test_a_member_gets_the_whole_page(on, client, compagnon, searchable):
    client.force_login(compagnon)
    html = client.get(reverse("missions:list"), {"q": "plaquette"}).content.decode()
    assert "Se déconnecter" in html and "Relecture" in html
    assert not frames._frames


def test_a_flash_message_is_shown_and_not_framed(on, searchable):
    from django.contrib.messages.storage.cookie import CookieStorage

    visitor = Client()
    response = visitor.get(reverse("missions:list"), {"q": "plaquette"})
    assert frames._frames
    frames._frames.clear()
    # a message waiting in the visitor's cookie (after signing out, say)
    waiting = CookieStorage(RequestFactory().get("/"))
    waiting.add(constants.SUCCESS, "Vous êtes déconnecté.")
    waiting.update(response)
    visitor.cookies["messages"] = response.cookies["messages"].value
    html = visitor.get(reverse("missions:list"), {"q": "plaquette"}).content.decode()
    assert "Vous êtes déconnecté." in html
    assert not frames._frames


def test_an_htmx_request_gets_the_whole_template(on, searchable):
    Client().get(reverse("missions:list"), {"q": "plaquette"}, headers={"HX-Request": "true"})
    assert not frames._frames


@pytest.fixture
def warm_sites_after():
    """save_site forgets the process's sites: look the test client's hosts up again afterwards (as test_memo's), so
    that later tests find them without a query."""
    yield
    sites.clear_cache()
    for host in ("testserver", "127.0.0.1", "localhost"):
        sites.site_for_host(host)


def test_the_frame_follows_the_site_and_the_language(on, settings, searchable, formateur, warm_sites_after):
    settings.ALLOWED_HOSTS = ["testserver", "nord.example"]
    url = reverse("missions:list")
    french = Client().get(url, {"q": "plaquette"}).content.decode()
    reader = Client()
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language form's choice
    english = reader.get(url, {"q": "plaquette"}).content.decode()
    assert '<html lang="fr">' in french and '<html lang="en">' in english
    assert "Navigation principale" in french and "Navigation principale" not in english
    site = sites.save_site(Site(name="Compagnons du Nord"), hosts=["nord.example"], by=formateur)
    assert "Compagnons du Nord" in Client().get(url, {"q": "plaquette"}, HTTP_HOST="nord.example").content.decode()
    site.name = "Compagnons des Hauts"
    sites.save_site(site, hosts=["nord.example"], by=formateur)
    html = Client().get(url, {"q": "plaquette"}, HTTP_HOST="nord.example").content.decode()
    assert "Compagnons des Hauts" in html and "Compagnons du Nord" not in html
    assert "Compagnons du Nord" not in Client().get(url, {"q": "plaquette"}).content.decode()
