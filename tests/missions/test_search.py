"""The missions' text search (missions/search.py): a word finds the published missions holding it in the title,
the context or the deliverables, and its beginning finds it too; what a visitor types is never a query operator.
On PostgreSQL it is full-text search in French through the GIN index of migration 0005."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from compagnons.missions import search
from compagnons.missions.models import Mission

pytestmark = pytest.mark.django_db


@pytest.fixture
def missions(make_mission):
    agenda = make_mission(title="Gestion d'agenda pour un cabinet", context="Un cabinet débordé.")
    brochure = make_mission(title="Plaquette bilingue du musée", deliverables="Une brochure touristique traduite.")
    draft = make_mission(title="Agenda en brouillon")
    Mission.objects.filter(pk__in=[agenda.pk, brochure.pk]).update(
        status=Mission.Status.PUBLISHED, published_at=timezone.now()
    )
    return agenda, brochure, draft


def _found(client, q: str) -> str:
    response = client.get(reverse("missions:list"), {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_a_word_or_its_beginning_finds_the_published_missions_holding_it(client, missions):
    agenda, brochure, draft = missions
    html = _found(client, "agenda")
    assert agenda.title in html.replace("&#x27;", "'") and brochure.title not in html and draft.title not in html
    assert agenda.title in _found(client, "agend").replace("&#x27;", "'")
    assert brochure.title in _found(client, "brochure")  # in the deliverables
    assert "débordé" not in _found(client, "menuiserie")


def test_what_a_visitor_types_is_never_a_query_operator(client, missions):
    for text in ["a & | ! :* ( )", "'", "--", "agenda:* | brochure", "!!!"]:
        _found(client, text)
    assert search.prefix_query("agenda | brochure!") == "agenda:* & brochure:*"
    assert search.prefix_query("&|!") == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_on_postgresql_the_search_is_french_full_text_over_the_gin_index(missions):
    """The query repeats the index's expression exactly (as PostgreSQL normalises both), so the planner can use it
    (on a table this small it rightly prefers the status btree: the plan itself is checked on the bench's data)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef('missions_mission_search_idx'::regclass)")
        definition = cursor.fetchone()[0]
        sql, params = search.matching(Mission.objects.published(), "agenda").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "USING gin" in definition and "WHERE ((status)::text = 'published'::text)" in definition
    expression = definition.split("USING gin (", 1)[1].rsplit(") WHERE", 1)[0]
    assert expression.startswith("to_tsvector('french'::regconfig")
    assert f"{expression} @@ " in plan
