"""`{% memo %}` (core/templatetags/memo.py): a block rendered once per set of values and language, then copied — each
value, the language and a site's edit change what is shown; a form's CSRF token is each response's own."""

import re

import pytest
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.utils import translation

from compagnons.core import sites
from compagnons.core.models import Site
from compagnons.core.templatetags import memo

pytestmark = pytest.mark.django_db

BLOCK = Template('{% load memo i18n %}{% memo "t" who %}{{ who }} {{ other }} {% translate "Langue" %}{% endmemo %}')


@pytest.fixture(autouse=True)
def _empty():
    memo._memo.clear()
    yield
    memo._memo.clear()


def test_the_block_is_rendered_once_per_value_and_language():
    assert BLOCK.render(Context({"who": "a", "other": 1})) == "a 1 Langue"
    # the same value: the block as first rendered (what is not among its values must not change it: the rule)
    assert BLOCK.render(Context({"who": "a", "other": 2})) == "a 1 Langue"
    assert BLOCK.render(Context({"who": "b", "other": 3})) == "b 3 Langue"
    with translation.override("en"):
        assert BLOCK.render(Context({"who": "a", "other": 4})) == "a 4 Language"


@pytest.fixture
def warm_sites_after():
    """save_site forgets the process's sites: look the test client's hosts up again afterwards (the default site is
    untouched: the same rows as after the rollback), so that the next tests' query counts pay for no cold lookup."""
    yield
    sites.clear_cache()
    for host in ("testserver", "127.0.0.1", "localhost"):
        sites.site_for_host(host)


def test_a_model_counts_by_all_its_columns(formateur, warm_sites_after):
    template = Template('{% load memo %}{% memo "site" site %}{{ site.name }}{% endmemo %}')
    site = sites.save_site(Site(name="Compagnons du Sud"), hosts=["memo.example"], by=formateur)
    assert template.render(Context({"site": site})) == "Compagnons du Sud"
    site.name = "Compagnons du Nord"
    sites.save_site(site, hosts=["memo.example"], by=formateur)
    assert template.render(Context({"site": site})) == "Compagnons du Nord"


def test_a_value_that_cannot_be_a_key_is_rendered_each_time():
    template = Template('{% load memo %}{% memo "list" items %}{{ items|length }}{% endmemo %}')
    assert template.render(Context({"items": [1]})) == "1"
    assert template.render(Context({"items": [1, 2]})) == "2"
    assert not memo._memo


def test_a_csrf_token_is_each_responses_own():
    from django.middleware.csrf import _does_token_match

    template = Template('{% load memo %}{% memo "form" %}<form method="post">{% csrf_token %}</form>{% endmemo %}')
    secrets = []
    for _ in range(2):
        request = RequestFactory().get("/")
        html = template.render(RequestContext(request))
        (token,) = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert _does_token_match(token, request.META["CSRF_COOKIE"])  # this request's own secret
        secrets.append(request.META["CSRF_COOKIE"])
    assert secrets[0] != secrets[1] and len(memo._memo) == 1


def test_the_header_follows_the_page_and_the_visitor(client, apprenti, formateur):
    """The header's links are the same bytes for every visitor of a page, but aria-current follows the page, and a
    member sees their links with their own logout form's token."""
    missions = client.get("/missions/").content.decode()
    directory = client.get("/annuaire/").content.decode()
    assert re.search(r'href="/missions/"\s+aria-current="page"', missions)
    assert not re.search(r'href="/missions/"\s+aria-current="page"', directory)
    assert re.search(r'href="/annuaire/"\s+aria-current="page"', directory)
    client.force_login(apprenti)
    member = client.get("/missions/").content.decode()
    assert "Se déconnecter" in member and "Journal" not in member
    (token,) = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', member.split("</header>")[0])
    assert token != "\x00csrf\x00" and len(token) == 64
    client.force_login(formateur)
    assert "Journal" in client.get("/missions/").content.decode()
