"""`{% url_of %}` (core templatetags navigation): the same address as `{% url %}`, reversed once per process, per
URL configuration and per script prefix (a site served under /compagnons/ gets its own addresses)."""

import re
from pathlib import Path

from django.template import engines
from django.urls import reverse, set_script_prefix

from compagnons.core.templatetags.navigation import url_of

BASE = Path(__file__).resolve().parents[2] / "compagnons" / "core" / "templates" / "core" / "base.html"


def test_every_address_of_the_base_template_is_the_one_reverse_gives():
    names = re.findall(r"\{% url_of '([a-z_:]+)' %\}", BASE.read_text())
    assert len(names) >= 20
    for name in names:
        assert url_of(name) == reverse(name)


def test_a_script_prefix_gives_its_own_addresses():
    try:
        set_script_prefix("/compagnons/")
        assert url_of("missions:list") == reverse("missions:list") == "/compagnons/missions/"
    finally:
        set_script_prefix("/")
    assert url_of("missions:list") == "/missions/"


def test_the_tag_writes_the_address_escaped_in_a_template():
    template = engines["django"].from_string("{% load navigation %}<a href=\"{% url_of 'core:home' %}\">")
    assert template.render({}) == '<a href="/">'
