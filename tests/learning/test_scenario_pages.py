"""Scenario pages: happy paths, refused access on every page, bad input never a 500, bounded queries."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compagnons.learning import aggregates, services
from compagnons.learning.models import Debrief, Run, Scenario, Step
from tests.factories import UserFactory
from tests.factories.learning import import_scenario, play, play_steps, scenario_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(db):
    return import_scenario()


@pytest.fixture
def finished(scenario, apprenti, mentorship):
    return play(scenario, apprenti)


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_list_scenario_and_play_to_an_ending(client, scenario, apprenti):
    client.force_login(apprenti)
    page = client.get(reverse("learning:scenarios"))
    assert page.status_code == 200 and scenario.title in page.text
    page = client.get(reverse("learning:scenario", args=[scenario.slug]))
    assert "M. Lefort, menuisier" in page.text and "Commencer" in page.text
    response = client.post(reverse("learning:scenario_start", args=[scenario.slug]))
    run = Run.objects.get(member=apprenti)
    assert response.url == reverse("learning:run", args=[run.pk])
    for _ in range(2):
        page = client.get(reverse("learning:run", args=[run.pk]))
        assert "Que faites-vous ?" in page.text
        run.refresh_from_db()
        choice = run.current.choices.get(position=1)
        client.post(
            reverse("learning:run_choose", args=[run.pk]),
            {"step": run.steps_count + 1, "node": run.current.key, "choice": choice.pk},
        )
    page = client.get(reverse("learning:run", args=[run.pk]))
    assert "Un rendez-vous fixé" in page.text and "relancé sans harceler" in page.text
    assert "Le chemin pris" in page.text


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"step": "x", "node": "appel", "choice": "1"},
        {"step": "1", "node": "appel", "choice": "999999"},
        {"step": "1", "node": "tension", "choice": "1"},
        {"step": "7", "node": "appel", "choice": "1"},
        {"step": "1", "node": "appel", "choice": "99999999999999999999"},
        {"step": "99999999999999999999", "node": "appel", "choice": "1"},
        {"step": "1", "node": "x" * 500, "choice": "1"},
    ],
)
def test_bad_posts_get_a_french_message_never_a_500(client, scenario, apprenti, data):
    client.force_login(apprenti)
    run = services.start_run(scenario, by=apprenti)
    response = client.post(reverse("learning:run_choose", args=[run.pk]), data)
    assert response.status_code == 302
    assert said(response)
    run.refresh_from_db()
    assert run.steps_count == 0 and not Step.objects.filter(run=run).exists()


def test_a_replayed_post_is_told_and_the_run_stays_whole(client, scenario, apprenti):
    client.force_login(apprenti)
    run = services.start_run(scenario, by=apprenti)
    data = {"step": 1, "node": "appel", "choice": run.current.choices.get(position=1).pk}
    client.post(reverse("learning:run_choose", args=[run.pk]), data)
    response = client.post(reverse("learning:run_choose", args=[run.pk]), data)
    assert any("déjà été enregistré" in m for m in said(response))
    assert Step.objects.filter(run=run).count() == 1


def test_a_stale_run_offers_to_restart(client, scenario, apprenti, formateur):
    client.force_login(apprenti)
    run = play_steps(scenario, apprenti, [1])
    services.import_scenario(scenario_text().replace("Jeudi matin", "Vendredi matin"), by=formateur)
    page = client.get(reverse("learning:run", args=[run.pk]))
    assert "Recommencer" in page.text and "a été modifiée" in page.text
    response = client.post(
        reverse("learning:run_choose", args=[run.pk]),
        {"step": 2, "node": "date", "choice": run.current.choices.first().pk},
    )
    assert any("Recommencez" in m for m in said(response))
    assert Run.objects.get(pk=run.pk).steps_count == 1


def test_member_review_share_and_compare(client, scenario, apprenti, compagnon, mentorship):
    first = play(scenario, apprenti, [1, 1])
    second = play(scenario, apprenti, [2, 2])
    services.write_debrief(first, "Très **bonne** relance.", by=compagnon)
    client.force_login(apprenti)
    page = client.get(reverse("learning:run", args=[first.pk]))
    assert "<strong>bonne</strong>" in page.text and "Ne plus la partager" in page.text
    assert reverse("learning:runs_compare", args=[first.pk, second.pk]) in page.text
    page = client.get(reverse("learning:runs_compare", args=[first.pk, second.pk]))
    assert "Un rendez-vous fixé" in page.text and "Un client perdu" in page.text
    client.post(reverse("learning:run_share", args=[second.pk]), {"shared": "0"})
    assert not Run.objects.get(pk=second.pk).shared


def test_mentor_reads_and_debriefs_from_their_list(client, finished, compagnon):
    client.force_login(compagnon)
    page = client.get(reverse("learning:runs_to_debrief"))
    assert reverse("learning:run", args=[finished.pk]) in page.text
    page = client.get(reverse("learning:run", args=[finished.pk]))
    assert "Envoyer le débriefing" in page.text and "Le chemin pris" in page.text
    response = client.post(reverse("learning:run_debrief", args=[finished.pk]), {"text": ""})
    assert response.status_code == 200 and "errorlist" in response.text
    response = client.post(reverse("learning:run_debrief", args=[finished.pk]), {"text": "Bravo pour la date."})
    assert response.status_code == 302
    assert Debrief.objects.get(run=finished).text == "Bravo pour la date."


def test_dashboard_panel_and_giveback(client, finished, compagnon, apprenti):
    client.force_login(compagnon)
    page = client.get(reverse("accounts:dashboard"))
    assert reverse("learning:runs_to_debrief") in page.text
    client.force_login(apprenti)
    page = client.get(reverse("accounts:dashboard"))
    assert reverse("learning:run", args=[finished.pk]) in page.text


# --- Refused access -------------------------------------------------------------------------------------------


def _member_pages(scenario, run):
    return [
        reverse("learning:scenarios"),
        reverse("learning:scenario", args=[scenario.slug]),
        reverse("learning:run", args=[run.pk]),
        reverse("learning:runs_to_debrief"),
    ]


def _staff_pages(scenario):
    return [
        reverse("learning:scenario_staff"),
        reverse("learning:scenario_edit", args=[scenario.slug]),
        reverse("learning:scenario_export", args=[scenario.slug]),
        reverse("learning:scenario_figures", args=[scenario.slug]),
    ]


def test_anonymous_is_sent_to_log_in_everywhere(client, finished, scenario):
    for url in [*_member_pages(scenario, finished), *_staff_pages(scenario)]:
        response = client.get(url)
        assert response.status_code == 302 and "next=" in response.url, url
    assert "next=" in client.get(reverse("learning:runs_compare", args=[finished.pk, finished.pk])).url
    for url in (
        reverse("learning:scenario_start", args=[scenario.slug]),
        reverse("learning:run_choose", args=[finished.pk]),
        reverse("learning:run_share", args=[finished.pk]),
        reverse("learning:run_debrief", args=[finished.pk]),
        reverse("learning:scenario_import"),
        reverse("learning:scenario_archive", args=[scenario.slug]),
    ):
        response = client.post(url, {"text": "x", "shared": "0"})
        assert response.status_code == 302 and "next=" in response.url, url
    assert Run.objects.count() == 1 and Run.objects.get().shared and not Debrief.objects.exists()
    assert Scenario.objects.get().status == "published"


def test_another_members_run_is_not_found(client, finished, outsider):
    client.force_login(outsider)
    for name in ("learning:run", "learning:run_choose", "learning:run_share", "learning:run_debrief"):
        method = client.get if name == "learning:run" else client.post
        assert method(reverse(name, args=[finished.pk])).status_code == 404, name
    other = play(Scenario.objects.get(), outsider)
    assert client.get(reverse("learning:runs_compare", args=[other.pk, finished.pk])).status_code == 404
    assert client.get(reverse("learning:runs_compare", args=[finished.pk, other.pk])).status_code == 404


def test_the_mentor_reads_the_review_but_neither_plays_shares_nor_compares(
    client, scenario, apprenti, compagnon, mentorship
):
    first, second = play(scenario, apprenti), play(scenario, apprenti, [2, 2])
    client.force_login(compagnon)
    assert client.get(reverse("learning:run", args=[first.pk])).status_code == 200
    assert client.get(reverse("learning:runs_compare", args=[first.pk, second.pk])).status_code == 404
    assert client.post(reverse("learning:run_share", args=[first.pk]), {"shared": "0"}).status_code == 404
    assert client.post(reverse("learning:run_choose", args=[first.pk]), {}).status_code == 404
    assert Run.objects.get(pk=first.pk).shared


def test_a_non_mentor_cannot_read_or_debrief(client, finished, outsider, formateur):
    for user in (outsider, formateur, UserFactory(compagnon=True)):
        client.force_login(user)
        assert client.get(reverse("learning:run", args=[finished.pk])).status_code == 404
        assert client.post(reverse("learning:run_debrief", args=[finished.pk]), {"text": "x"}).status_code == 404
    assert not Debrief.objects.exists()


def test_the_mentor_cannot_read_an_unshared_or_unfinished_run(client, scenario, apprenti, compagnon, mentorship):
    unfinished = play_steps(scenario, apprenti, [1])
    hidden = play(scenario, apprenti)
    services.set_shared(hidden, False, by=apprenti)
    client.force_login(compagnon)
    for run in (unfinished, hidden):
        assert client.get(reverse("learning:run", args=[run.pk])).status_code == 404


def test_a_member_is_refused_the_staff_pages(client, scenario, apprenti):
    client.force_login(apprenti)
    for url in _staff_pages(scenario):
        assert client.get(url).status_code == 403, url
    for url in (
        reverse("learning:scenario_import"),
        reverse("learning:scenario_archive", args=[scenario.slug]),
    ):
        assert client.post(url, {"text": scenario_text()}).status_code == 403, url
    assert Scenario.objects.get().status == "published"


# --- Staff ---------------------------------------------------------------------------------------------------


def test_staff_import_bad_file_lists_every_error_and_keeps_the_text(client, formateur):
    client.force_login(formateur)
    bad = scenario_text("scenario_bad.yaml")
    response = client.post(reverse("learning:scenario_import"), {"text": bad})
    assert response.status_code == 200
    assert "Boucle sans issue" in response.text and "nulle-part" in response.text and "Z9.9" in response.text
    assert "fichier-plein-d-erreurs" in response.text  # the text is kept
    assert not Scenario.objects.exists()


def test_staff_upload_checks_type_size_and_encoding(client, formateur, settings):
    client.force_login(formateur)
    url = reverse("learning:scenario_import")
    for upload, message in [
        (SimpleUploadedFile("x.exe", b"format: x"), "yaml"),
        (SimpleUploadedFile("x.yaml", "é".encode("latin-1")), "UTF-8"),
    ]:
        response = client.post(url, {"upload": upload})
        assert response.status_code == 200 and message in response.text
    settings.LEARNING_SCENARIO_MAX_BYTES = 100
    response = client.post(url, {"upload": SimpleUploadedFile("x.yaml", scenario_text().encode())})
    assert "dépasse" in response.text
    settings.LEARNING_SCENARIO_MAX_BYTES = 256 * 1024
    response = client.post(url, {"upload": SimpleUploadedFile("x.yaml", scenario_text().encode())})
    assert response.status_code == 302 and Scenario.objects.get().current.number == 1


def test_staff_edit_makes_a_new_version_and_export_downloads_yaml(client, scenario, formateur):
    client.force_login(formateur)
    page = client.get(reverse("learning:scenario_edit", args=[scenario.slug]))
    assert "Jeudi matin" in page.text
    text = scenario_text().replace("Jeudi matin", "Vendredi matin")
    response = client.post(reverse("learning:scenario_edit", args=[scenario.slug]), {"text": text})
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.current.number == 2
    other_slug = text.replace("slug: relancer-un-devis", "slug: un-autre")
    response = client.post(reverse("learning:scenario_edit", args=[scenario.slug]), {"text": other_slug})
    assert response.status_code == 200 and "garder l&#x27;identifiant" in response.text
    export = client.get(reverse("learning:scenario_export", args=[scenario.slug]))
    assert export["Content-Type"].startswith("application/yaml") and "Vendredi matin" in export.content.decode()
    client.post(reverse("learning:scenario_archive", args=[scenario.slug]))
    assert Scenario.objects.get().status == "archived"


def test_figures_hide_counts_under_five_people(client, scenario, formateur, settings):
    members = [UserFactory(apprentice=True) for _ in range(6)]
    for member in members[:5]:
        play(scenario, member, [1, 1])
    play(scenario, members[5], [2, 2])
    figures = aggregates.figures(scenario.current)
    by_key = {item.node.key: item for item in figures.nodes}
    first, second = by_key["appel"].choices
    assert first.people == 5 and second.people is None
    assert by_key["appel"].people is None  # 6 minus 5 would tell the hidden one
    assert by_key["rendez-vous"].ended_here == 5 and by_key["perdu"].ended_here is None
    assert figures.players == 6
    client.force_login(formateur)
    page = client.get(reverse("learning:scenario_figures", args=[scenario.slug]))
    assert "moins de 5" in page.text


THIRD_CHOICE = """      - label: « Je vous renvoie le devis, il est peut-être passé dans vos indésirables. »
        consequence: Il ne l'a pas perdu ; il n'a pas eu le temps.
        to: perdu
  date:"""


def test_figures_hide_a_node_total_that_would_tell_two_small_counts_by_subtraction():
    scenario = import_scenario(scenario_text().replace("\n  date:", "\n" + THIRD_CHOICE, 1))
    assert scenario.current.start.choices.count() == 3
    for picks, people in (([1, 1], 5), ([2, 2], 2), ([3], 2)):
        for _ in range(people):
            play(scenario, UserFactory(apprentice=True), picks)
    start = aggregates.figures(scenario.current).nodes[0]
    assert start.node.key == "appel"
    assert [figure.people for figure in start.choices] == [5, None, None]
    assert start.people is None  # 9 minus 5 would tell that 4 people chose one of the two hidden choices


def test_figures_show_a_node_total_when_the_hidden_choices_rest_on_enough_people():
    scenario = import_scenario(scenario_text().replace("\n  date:", "\n" + THIRD_CHOICE, 1))
    for picks, people in (([1, 1], 5), ([2, 2], 3), ([3], 3)):
        for _ in range(people):
            play(scenario, UserFactory(apprentice=True), picks)
    start = aggregates.figures(scenario.current).nodes[0]
    assert [figure.people for figure in start.choices] == [5, None, None]
    assert start.people == 11  # 11 minus 5: six people, not a count under five


# --- Bounded queries ------------------------------------------------------------------------------------------


def test_pages_run_a_bounded_number_of_queries(
    client, scenario, apprenti, compagnon, mentorship, formateur, django_assert_max_num_queries
):
    for _ in range(6):
        play(scenario, apprenti, [2, 1, 1])
    done = play(scenario, apprenti, [2, 1, 1])
    ongoing = play_steps(scenario, apprenti, [1])
    other = Run.objects.filter(member=apprenti, finished_at__isnull=False).exclude(pk=done.pk).first()
    client.force_login(apprenti)
    for url in [
        reverse("learning:scenarios"),
        reverse("learning:scenario", args=[scenario.slug]),
        reverse("learning:run", args=[ongoing.pk]),
        reverse("learning:run", args=[done.pk]),
        reverse("learning:runs_compare", args=[done.pk, other.pk]),
    ]:
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200, url
    client.force_login(compagnon)
    for url in [reverse("learning:run", args=[done.pk]), reverse("learning:runs_to_debrief")]:
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200, url
    client.force_login(formateur)
    for url in [
        reverse("learning:scenario_staff"),
        reverse("learning:scenario_figures", args=[scenario.slug]),
        reverse("learning:scenario_edit", args=[scenario.slug]),
        reverse("learning:scenario_export", args=[scenario.slug]),
    ]:
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200, url
    client.force_login(apprenti)
    with django_assert_max_num_queries(20):
        client.post(
            reverse("learning:run_choose", args=[ongoing.pk]),
            {"step": 2, "node": "date", "choice": Run.objects.get(pk=ongoing.pk).current.choices.first().pk},
        )
