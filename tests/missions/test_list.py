"""The public list of missions pages with the shared pager (`core/_pager.html`), keeping the filters."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compagnons.core import fragments
from compagnons.missions.models import Mission
from compagnons.missions.search import PAGE_SIZE
from compagnons.skills import referentiel
from compagnons.skills.models import Certification

pytestmark = pytest.mark.django_db


def test_the_list_uses_the_shared_pager_and_keeps_the_filters(client, make_mission):
    for n in range(PAGE_SIZE + 1):
        make_mission(title=f"Mission {n}")
    Mission.objects.update(status=Mission.Status.PUBLISHED, published_at=timezone.now())
    response = client.get(reverse("missions:list"), {"q": "Mission"})
    html = response.content.decode()
    assert "core/_pager.html" in [t.name for t in response.templates]
    assert "Page 1 sur 2" in html
    assert "?q=Mission&amp;page=2" in html
    assert "Page 2 sur 2" in client.get(reverse("missions:list"), {"q": "Mission", "page": 2}).content.decode()


def test_amounts_are_written_by_the_one_money_formatter(client, published):
    """« 3 000 € » with a narrow no-break space between thousands (core.money.euros), cents only when there are."""
    mission = published(euros=3001, hours=100)
    html = client.get(reverse("missions:detail", args=[mission.pk])).content.decode()
    assert "3\u202f001 €" in html
    assert "30,01 €" in html  # the hourly rate: 300 100 cents // 100 hours


def test_the_filters_options_are_kept_until_the_referentiel_changes(
    settings, client, formateur, django_capture_on_commit_callbacks
):
    """The métiers' and compétences' options (missions.forms.trade_options, apprenticeship.forms.competence_options)
    are read once, then kept while their tables are unchanged: a search reads neither table; a new version of the
    référentiel put in force shows at the next search."""
    settings.FRAGMENT_CACHE = True
    cache.clear()
    fragments._local_values.clear()
    url = reverse("missions:list")
    client.get(url, {"q": "agenda"})
    with CaptureQueriesContext(connection) as queries:
        client.get(url, {"q": "plaquette"})
    assert not [q["sql"] for q in queries.captured_queries if 'FROM "skills_' in q["sql"]]  # the page joins a métier
    with django_capture_on_commit_callbacks(execute=True):
        draft = referentiel.new_version(Certification.objects.current(), by=formateur)
        competence = draft.competences.order_by("pk").first()
        competence.label = "Relancer sans relâche"
        competence.save()
        referentiel.activate_version(draft, by=formateur)
    assert f"{competence.code} — Relancer sans relâche" in client.get(url, {"q": "agenda"}).content.decode()
    cache.clear()
