"""Public operations: the same visibility as the pages, cursor pagination within bounds, ETags, problems."""

import json

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from compagnons.accounts.models import User
from compagnons.credentials import services as credentials
from compagnons.credentials import verification
from compagnons.showcase import services as showcase
from compagnons.skills.models import Certification
from tests.core.test_fragments import fragment_cache  # noqa: F401 - the fixture
from tests.factories import UserFactory
from tests.factories.missions import MissionFactory

pytestmark = pytest.mark.django_db


def test_referentiel_versions_blocs_and_competences(client, django_assert_max_num_queries):
    current = Certification.objects.current()
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/referentiel/versions")
    assert response.status_code == 200
    assert current.pk in [v["id"] for v in response.json()["items"]]
    with django_assert_max_num_queries(10):  # 5 of them count the request against the rate limit
        detail = client.get(f"/api/v1/referentiel/versions/{current.pk}").json()
    codes = [c["code"] for block in detail["blocks"] for c in block["competences"]]
    assert codes and set(codes) <= set(current.competences.values_list("code", flat=True))
    listed = client.get(f"/api/v1/referentiel/competences?version={current.pk}&limit=100").json()["items"]
    assert {c["code"] for c in listed} == set(current.competences.values_list("code", flat=True))


def test_a_draft_version_is_not_public(client):
    current = Certification.objects.current()
    draft = Certification.objects.create(slug="brouillon", name="Brouillon", status=Certification.Status.DRAFT)
    assert draft.pk not in [v["id"] for v in client.get("/api/v1/referentiel/versions").json()["items"]]
    response = client.get(f"/api/v1/referentiel/versions/{draft.pk}")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Introuvable"
    assert client.get(f"/api/v1/referentiel/versions/{current.pk}").status_code == 200


def test_only_published_missions_are_listed(client, published_mission, django_assert_max_num_queries):
    draft = MissionFactory(title="Pas encore publiée")
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/missions")
    assert [m["id"] for m in response.json()["items"]] == [published_mission.pk]
    assert client.get(f"/api/v1/missions/{draft.pk}").status_code == 404
    detail = client.get(f"/api/v1/missions/{published_mission.pk}").json()
    assert detail["title"] == published_mission.title
    assert detail["url"].endswith(published_mission.get_absolute_url())


def test_the_missions_list_stays_bounded(client, django_assert_max_num_queries):
    MissionFactory.create_batch(3, published=True)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/missions?limit=3")
    assert len(response.json()["items"]) == 3


def test_a_mission_shows_its_competences_in_the_referentiel_order_and_its_client_region(
    client, competences, django_assert_num_queries
):
    """Each mission's compétences (id, code, label) in the référentiel's order, read for the whole page at once, and
    its client's region; the same in the list and on the mission's own address."""
    first = MissionFactory(published=True, competences=[competences[3], competences[0]])
    second = MissionFactory(published=True, competences=[competences[2]])
    User.objects.filter(pk=first.client_id).update(region="OCC")
    expected = {
        first.pk: [{"id": c.pk, "code": c.code, "label": c.label} for c in (competences[0], competences[3])],
        second.pk: [{"id": competences[2].pk, "code": competences[2].code, "label": competences[2].label}],
    }
    # the rate limit's counter, the page, the compétences' references (from the process when the cache is on), the
    # compétences of the whole page
    with django_assert_num_queries(4):
        items = client.get("/api/v1/missions").json()["items"]
    assert {m["id"]: m["competences"] for m in items} == expected
    assert {m["id"]: m["region"] for m in items}[first.pk] == "OCC"
    detail = client.get(f"/api/v1/missions/{first.pk}").json()
    assert detail["competences"] == expected[first.pk] and detail["region"] == "OCC"


@pytest.mark.usefixtures("fragment_cache")
def test_the_competences_references_are_kept_until_the_referentiel_changes(
    client, competences, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """The compétences' codes and labels are kept in the process (not joined for each page): still one query for
    the page's compétences whatever their number, and an edited label shows at once."""
    mission = MissionFactory(published=True, competences=[competences[1], competences[0]])
    client.get("/api/v1/missions?remote=true")
    with django_assert_num_queries(3):  # the counter, the page, its compétences (the tables' versions: the cache)
        items = client.get("/api/v1/missions?remote=true").json()["items"]
    assert [c["code"] for c in items[0]["competences"]] == [competences[0].code, competences[1].code]
    with django_capture_on_commit_callbacks(execute=True):
        competences[1].label = "Relancer les impayés avec tact"
        competences[1].save()
    items = client.get("/api/v1/missions?remote=true").json()["items"]
    assert items[0]["id"] == mission.pk
    assert items[0]["competences"][1]["label"] == "Relancer les impayés avec tact"


def test_a_competence_the_kept_references_lack_is_read_at_once(client, competences, monkeypatch):
    """A compétence newer than the references this process kept (its version not seen yet) is read, never a 500."""
    from compagnons.api import public

    mission = MissionFactory(published=True, competences=[competences[0]])
    monkeypatch.setattr(public, "_competence_refs", dict)
    response = client.get("/api/v1/missions?remote=true")
    assert response.status_code == 200
    assert response.json()["items"][0]["id"] == mission.pk
    assert response.json()["items"][0]["competences"][0]["code"] == competences[0].code


def test_mission_filters(client, competences):
    remote = MissionFactory(published=True, competences=competences[:1], budget_cents=200_000)
    on_site = MissionFactory(published=True, competences=competences[1:2], place="on_site", location="Lyon")
    User.objects.filter(pk=on_site.client_id).update(region="ARA")

    def ids(query):
        response = client.get(f"/api/v1/missions?{query}")
        assert response.status_code == 200, response.json()
        return {m["id"] for m in response.json()["items"]}

    assert ids(f"competence={competences[0].pk}") == {remote.pk}
    assert ids("region=ARA") == {on_site.pk}
    assert ids("remote=true") == {remote.pk}
    assert ids("remote=false") == {on_site.pk}
    assert ids("budget_min=1000") == {remote.pk}
    assert ids("budget_min=0") == {remote.pk, on_site.pk}


def test_a_filtered_first_page_compiled_once_is_the_orms(client, competences):
    """The first page of a filtered list reads SQL compiled once per process for its filters and size
    (public.FILTERED_MISSIONS, core.compiled.CompiledSlice): the same missions and next cursor as the queryset's
    keyset page, for every filter alone and together; a second call compiles no query of the missions."""
    import itertools
    from unittest import mock

    from django.db.models.sql.compiler import SQLCompiler

    from compagnons.api import pagination, public
    from compagnons.missions.models import Mission

    made = [
        MissionFactory(published=True, competences=competences[:1], budget_cents=200_000),
        MissionFactory(published=True, competences=competences[:2], budget_cents=90_000, place="on_site"),
        MissionFactory(published=True, competences=competences[1:2], budget_cents=150_000),
    ]
    User.objects.filter(pk=made[1].client_id).update(region="ARA")

    def first_page(query: str) -> tuple:
        body = client.get(f"/api/v1/missions?{query}").json()
        return [m["id"] for m in body["items"]], body["next_cursor"]

    for competence, region, remote, budget, limit in itertools.product(
        (None, competences[0].pk), (None, "ARA"), (None, True, False), (None, 1000), (1, 2)
    ):
        query = {"competence": competence, "region": region, "budget_min": budget, "limit": limit}
        query = {**{k: v for k, v in query.items() if v is not None}, **({} if remote is None else {"remote": remote})}
        shape = (competence is not None, region is not None, remote, budget is not None)
        values = {"competence": competence, "region": region, "budget_cents": budget * 100 if budget else None}
        queryset = public._filtered_missions(shape, **values)
        items, cursor = pagination.keyset(queryset, cursor=None, limit=limit, date_field="published_at")
        text = "&".join(f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in query.items())
        assert first_page(text) == ([m.pk for m in items], cursor), query
        # every field as the ORM's instances give it (the page is read as named tuples: public._filtered_rows)
        body = client.get(f"/api/v1/missions?{text}").json()
        assert body == json.loads(public._missions_json(RequestFactory().get("/"), items, cursor)), query
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as compiled:
        assert first_page(f"competence={competences[0].pk}&remote=true&limit=2") == ([made[0].pk], None)
    assert [call for call in compiled.call_args_list if call.args[0].query.model is Mission] == []


def test_each_listed_mission_has_its_own_absolute_address(client):
    """The addresses are reversed once per page (public.mission_urls): each is still its mission's own."""
    from unittest import mock

    from compagnons.api import public

    made = MissionFactory.create_batch(3, published=True)
    with mock.patch.object(public, "absolute", wraps=public.absolute) as made_absolute:
        listed = client.get("/api/v1/missions?limit=10").json()["items"]
    assert made_absolute.call_count == 1
    assert {item["id"]: item["url"] for item in listed} == {
        m.pk: f"http://testserver{m.get_absolute_url()}" for m in made
    }


def test_cursor_pagination_walks_every_mission_once(client):
    made = {m.pk for m in MissionFactory.create_batch(5, published=True)}
    seen, cursor = [], None
    while True:
        response = client.get("/api/v1/missions", {"limit": 2, **({"cursor": cursor} if cursor else {})})
        page = response.json()
        assert len(page["items"]) <= 2
        seen += [m["id"] for m in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(made)


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=101", "limit=abc", "cursor=%%%", "cursor=", "cursor=WzFd", "region=XX"]
)
def test_bad_pagination_or_filters_are_422_problems(client, query):
    response = client.get(f"/api/v1/missions?{query}")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == "Données invalides" and body["status"] == 422


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/missions?competence=5342703607533750936666112",
        "/api/v1/missions?remote=true&region=GUF&competence=9223372036854775808",
        "/api/v1/missions?competence=0",
        "/api/v1/annuaire?competence=99999999999999999999",
        "/api/v1/referentiel/competences?version=99999999999999999999",
    ],
)
def test_an_id_beyond_the_databases_is_a_422_problem_not_an_overflow(client, url):
    """Found by schemathesis: an id past 64 bits reached the database (a 500 on SQLite)."""
    response = client.get(url)
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"


def test_the_largest_page_is_bounded_by_the_setting(client, settings):
    settings.API_MAX_PAGE_SIZE = 100
    assert client.get("/api/v1/missions?limit=100").status_code == 200


def test_public_lists_answer_304_to_their_etag(client, published_mission):
    first = client.get("/api/v1/missions")
    tag = first["ETag"]
    assert tag.startswith('"')
    again = client.get("/api/v1/missions", HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again.content == b""
    MissionFactory(published=True)
    assert client.get("/api/v1/missions", HTTP_IF_NONE_MATCH=tag).status_code == 200


def test_the_unfiltered_missions_list_kept_in_the_cache_follows_every_write(
    client, published_mission, settings, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """Without a filter the list is the same for every caller: kept while none of the tables it read changes (as
    /missions/ without a search is), per page size and cursor; a mission published or cancelled shows at the next
    call, and the kept answer still says 304 to its ETag. A filtered list is computed each time."""
    from compagnons.missions import services as missions

    settings.FRAGMENT_CACHE = True
    cache.clear()
    first = client.get("/api/v1/missions")
    assert [m["id"] for m in first.json()["items"]] == [published_mission.pk]
    client.get("/api/v1/missions")  # stored once the tables its answer reads are known (at the second call)
    with django_assert_max_num_queries(4) as kept:  # the rate limit and the cache's reads
        again = client.get("/api/v1/missions")
    assert not any("missions_mission" in q["sql"] for q in kept.captured_queries)
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert again["Content-Type"] == "application/json"
    assert client.get("/api/v1/missions", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    with django_assert_max_num_queries(8) as filtered:
        client.get("/api/v1/missions?remote=true")
    assert any("missions_mission" in q["sql"] for q in filtered.captured_queries)
    with django_capture_on_commit_callbacks(execute=True):  # versions move when the write commits
        newer = MissionFactory(published=True)
    assert [m["id"] for m in client.get("/api/v1/missions").json()["items"]] == [newer.pk, published_mission.pk]
    assert [m["id"] for m in client.get("/api/v1/missions?limit=1").json()["items"]] == [newer.pk]
    with django_capture_on_commit_callbacks(execute=True):
        missions.cancel(newer, by=newer.client)
    listed = client.get("/api/v1/missions")
    assert [m["id"] for m in listed.json()["items"]] == [published_mission.pk]
    assert client.get("/api/v1/missions", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    cache.clear()


def test_published_mini_sites_only(client, page, apprenti, django_assert_max_num_queries):
    hidden = showcase.profile_of(apprenti)
    with django_assert_max_num_queries(8):
        listed = client.get("/api/v1/sites").json()["items"]
    assert [s["slug"] for s in listed] == [page.slug]
    assert listed[0]["services"][0]["title"] == "Logo"
    assert "email" not in str(listed)
    with django_assert_max_num_queries(10):
        detail = client.get(f"/api/v1/sites/{page.slug}")
    assert detail.status_code == 200 and detail.json()["headline"] == page.headline
    assert client.get(f"/api/v1/sites/{hidden.slug}").status_code == 404
    showcase.unpublish(page, by=page.member)
    assert client.get(f"/api/v1/sites/{page.slug}").status_code == 404


def test_a_mini_site_kept_in_the_cache_follows_every_write(
    client, page, settings, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """The mini-site's answer is kept while none of the tables it read changes (core.fragments.cached), as its
    page is: a new work, a service removed, the page withdrawn show at the next call; the same bytes as the
    schema's answer when it comes from the cache."""
    settings.FRAGMENT_CACHE = True
    cache.clear()
    url = f"/api/v1/sites/{page.slug}"
    first = client.get(url)
    assert first.status_code == 200 and first.json()["portfolio"] == []
    client.get(url)  # stored once the tables its answer reads are known (at the second call)
    with django_assert_max_num_queries(4):  # the rate limit and the cache's reads; nothing of the page's own
        again = client.get(url)
    assert again.content == first.content and again["Content-Type"] == "application/json"
    with django_capture_on_commit_callbacks(execute=True):  # versions move when the write commits
        showcase.add_portfolio_item(page, by=page.member, title="Affiche du festival", link="https://example.org/a")
    assert [p["title"] for p in client.get(url).json()["portfolio"]] == ["Affiche du festival"]
    with django_capture_on_commit_callbacks(execute=True):
        showcase.unpublish(page, by=page.member)
    assert client.get(url).status_code == 404
    cache.clear()


def test_the_directory(client, page, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):  # the day's ranking (3), the cards (3), the rate limit (5)
        response = client.get("/api/v1/annuaire")
    assert [c["slug"] for c in response.json()["items"]] == [page.slug]
    assert client.get("/api/v1/annuaire?competence=999999").status_code == 422


def test_the_directory_pages_by_cursor(client):
    for n in range(3):
        member = UserFactory(compagnon=True)
        profile = showcase.profile_of(member)
        profile.headline = f"Page {n}"
        profile.save()
        showcase.add_service(profile, by=member, title="Conseil", price_cents=5000, unit="hour")
        showcase.publish(profile, by=member)
    first = client.get("/api/v1/annuaire?limit=2").json()
    second = client.get(f"/api/v1/annuaire?limit=2&cursor={first['next_cursor']}").json()
    assert len(first["items"]) == 2 and len(second["items"]) == 1 and second["next_cursor"] is None
    assert {c["slug"] for c in first["items"]}.isdisjoint({c["slug"] for c in second["items"]})


def test_public_results_hide_small_figures(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = client.get("/api/v1/resultats")
    assert response.status_code == 200
    body = response.json()
    assert body["threshold"] >= 1
    for year in body["years"]:
        assert all(year[k]["hidden"] or year[k]["base"] >= body["threshold"] for k in year if k != "year")


def test_verification_gives_the_same_verdict_as_the_verifier(client, compagnon):
    credential = credentials.issue(
        member=compagnon,
        achievement_type="Competency",
        achievement_key="test/BC01",
        name="BC01 — Se présenter",
        description="Mise en situation",
        criteria="Pitch",
        alignments=[],
        evidence=compagnon,
        evidence_url="https://exemple.test/decision/1",
        evidence_name="Décision",
    )
    response = client.post("/api/v1/verifier", {"credential": credential.document}, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    expected = verification.check(credential.document)
    assert body["ok"] is expected.ok is True
    assert body["status"] == "valide" and body["issued_here"]
    tampered = {**credential.document, "name": "Autre titre"}
    body = client.post("/api/v1/verifier", {"credential": tampered}, content_type="application/json").json()
    assert body["ok"] is False and body["signature_reason"] == verification.check(tampered).signature_reason
    credentials.revoke(credential, by=UserFactory(formateur=True), reason="Erreur")
    credential.refresh_from_db()
    body = client.post("/api/v1/verifier", {"credential": credential.document}, content_type="application/json").json()
    assert body["status"] == "révoqué" and body["ok"] is False


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b'{"credential": 3}', b"[" * 5000, b'{"credential": {"a": "' + b"x" * 300_000 + b'"}}'],
)
def test_verification_refuses_bad_input_as_a_problem(client, body):
    response = client.post("/api/v1/verifier", body, content_type="application/json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Données invalides"


@pytest.mark.parametrize("text", ["[" * 900 + "]" * 900, '{"credential": ' + '{"a":' * 900 + "1" + "}" * 901])
def test_verification_of_900_levels_is_a_french_problem_not_a_500(client, text):
    response = client.post("/api/v1/verifier", text.encode(), content_type="application/json")
    assert response.status_code == 422
    assert "imbrique trop de niveaux" in response.json()["detail"]


def test_verification_survives_a_recursion_inside_the_jsonld_processor(client, compagnon):
    """A context whose terms are each defined from the next: pyld recurses once per link; the verdict says so."""
    credential = credentials.issue(
        member=compagnon,
        achievement_type="Competency",
        achievement_key="test/BC01",
        name="BC01 — Se présenter",
        description="Mise en situation",
        criteria="Pitch",
        alignments=[],
        evidence=compagnon,
        evidence_url="https://exemple.test/decision/1",
        evidence_name="Décision",
    )
    chained = {f"t{i}": f"t{i - 1}:a/" for i in range(999, 0, -1)} | {"t0": "https://exemple.test/"}
    document = {**credential.document, "@context": [*credential.document["@context"], chained]}
    response = client.post("/api/v1/verifier", {"credential": document}, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False and body["signature_reason"].startswith("Document trop complexe")


def test_a_filtered_list_reads_only_what_it_shows_and_shows_it_all(client, django_assert_num_queries):
    """The missions are read with the columns `_mission` shows only (issue 21): none read again one by one, and each
    field of the answer equal to the mission's own."""
    missions = MissionFactory.create_batch(3, published=True, place="remote", budget_cents=90_000)
    # the rate limit's counter, the page, the compétences' references (kept in the process when the cache is on),
    # the compétences of the whole page
    with django_assert_num_queries(4):
        items = client.get("/api/v1/missions?remote=true&budget_min=500").json()["items"]
    assert {item["id"] for item in items} == {m.pk for m in missions}
    for item in items:
        mission = next(m for m in missions if m.pk == item["id"])
        mission.refresh_from_db()
        for field in ("title", "context", "deliverables", "place", "location", "languages", "pricing", "budget_cents"):
            assert item[field] == getattr(mission, field), field
        for field in ("estimated_hours", "daily_rate_cents", "days"):
            assert item[field] == getattr(mission, field), field
        assert (item["starts_on"], item["deadline"]) == (mission.starts_on.isoformat(), mission.deadline.isoformat())
        assert item["published_at"][:19] == mission.published_at.isoformat()[:19]
