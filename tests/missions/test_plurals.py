"""Plurals are real plurals (`{% plural %}`, ngettext), never « mission(s) » or « 1 heures »."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from compagnons.missions import services

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2] / "compagnons"


def test_no_template_writes_a_crude_plural():
    crude = re.compile(r"\w\(s\)|\(e\)s\b|·e\(s\)")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in ROOT.rglob("*.html")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if crude.search(line)
    ]
    assert found == []


def test_one_hour_is_singular_in_the_fairness_message(settings):
    settings.MISSION_HOURLY_FLOOR_CENTS = 2500
    message = services.fairness_problem(1000, 1)
    assert "Pour 1 heure, le budget" in message
    assert "Pour 3 heures, le budget" in services.fairness_problem(1000, 3)


def test_pages_count_hours_and_missions_properly(client, make_mission, published, formateur):
    mission = published(hours=1, euros=100)
    client.force_login(formateur)
    html = client.get(reverse("missions:detail", args=[mission.pk])).content.decode()
    assert "1 heure estimée" in html and "1 heures" not in html
    assert "0 mission(s)" not in html
    draft = make_mission(title="À qualifier")
    services.submit(draft, by=draft.client)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "1 mission à qualifier" in html


def test_a_summary_line_in_the_list(client, published):
    """The line under a mission's title in the list (missions templatetags `mission_facts`): its place, its hours
    as a real plural, its dates in words; in English too; and what a client wrote is escaped."""
    import datetime

    from django.utils import translation

    from compagnons.missions.templatetags.missions import mission_facts

    mission = published(hours=1, euros=100, title="Site <b>vitrine</b>")
    mission.starts_on, mission.deadline = datetime.date(2027, 3, 3), datetime.date(2027, 4, 4)
    with translation.override("fr"):
        assert mission_facts(mission) == "À distance · 1 heure estimée · du 3 mars au 4 avril 2027"
    with translation.override("en"):
        assert mission_facts(mission) == "Remote · 1 hour estimated · from 3 March to 4 April 2027"
    with translation.override("fr"):  # each translated part is kept per language, not the first one asked
        assert mission_facts(mission) == "À distance · 1 heure estimée · du 3 mars au 4 avril 2027"
    mission.estimated_hours, mission.location = 3, "Lyon"
    mission.place = "<i>"
    assert mission_facts(mission).startswith("&lt;i&gt; · 3 heures estimées")
    html = client.get(reverse("missions:list")).content.decode()
    assert "1 heure estimée" in html and "Site &lt;b&gt;vitrine&lt;/b&gt;" in html


def test_each_summary_links_its_own_mission_and_escapes_what_people_wrote(client, published):
    """The list's summaries (missions templatetags `mission_summaries`, one address reversed for the whole list) and
    a recommendation's (`mission_summary`, with why it is proposed)."""
    from compagnons.missions.templatetags.missions import mission_summary

    first, second = published(title="Agenda <em>partagé</em>"), published(title="Relecture")
    html = client.get(reverse("missions:list")).content.decode()
    for mission in (first, second):
        assert f'<a href="{mission.get_absolute_url()}">' in html
    assert f'<a href="{first.get_absolute_url()}">Agenda &lt;em&gt;partagé&lt;/em&gt;</a>' in html
    assert f'<a href="{second.get_absolute_url()}">Relecture</a>' in html
    summary = mission_summary(second, ["Vous avez <b>B1.2</b>", "Attestée par un client"])
    assert "<li>Vous avez &lt;b&gt;B1.2&lt;/b&gt;</li><li>Attestée par un client</li>" in summary
    assert "Pourquoi elle vous est proposée" in summary
    assert "Pourquoi" not in mission_summary(second)  # no reasons, no heading


def test_the_summaries_escape_a_text_as_django_does():
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    from compagnons.missions.templatetags.missions import _text

    for value in ['<b>"l\'été" & co</b>', "", "é\u0301", mark_safe("<i>sûr</i>"), gettext_lazy("Métier"), 12]:
        assert _text(value) == conditional_escape(value), value
