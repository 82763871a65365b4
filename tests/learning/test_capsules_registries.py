"""Learning shows itself on the plan, in the carnet de route and in « Mon espace » through their registries."""

from django.urls import reverse

from compagnons.apprenticeship import extensions
from compagnons.learning import panels
from tests.factories.learning import finish_capsule, make_capsule

from .test_capsules import reviewed_positioning


def test_learning_registers_its_sections():
    assert any(func is panels.plan_section for _, func in extensions._plan)
    assert any(func is panels.carnet_section for _, func in extensions._carnet)


def test_the_plan_shows_recommended_capsules_with_their_reason(client, apprenti, formateur, mentorship, compagnon):
    reviewed_positioning(apprenti, formateur, {"C1.2": 0})
    make_capsule(competences=["C1.2"], slug="utile")
    for viewer in (apprenti, compagnon):
        client.force_login(viewer)
        html = client.get(reverse("apprenticeship:plan", args=[apprenti.pk])).content.decode()
        assert "Capsules recommandées" in html and "parce que C1.2 est à travailler" in html


def test_the_carnet_shows_finished_capsules_as_self_study_time(client, apprenti, enrolled):
    capsule = make_capsule(minutes=4, slug="finie")
    make_capsule(minutes=5, slug="pas-finie")
    finish_capsule(capsule, apprenti)
    client.force_login(apprenti)
    html = client.get(reverse("apprenticeship:carnet", args=[apprenti.pk])).content.decode()
    assert "Temps d&#x27;autoformation" in html or "Temps d'autoformation" in html
    assert "4 minutes d" in html and capsule.title in html
    assert "ne valide aucune compétence" in html


def test_plan_and_carnet_stay_bounded_with_learning_sections(
    client, apprenti, formateur, enrolled, django_assert_max_num_queries
):
    reviewed_positioning(apprenti, formateur, {}, default=0)
    for code in ("C1.1", "C1.2", "C2.1", "C3.1", "C4.1", "C5.1", "C6.1"):
        capsule = make_capsule(competences=[code])
        if code < "C3":
            finish_capsule(capsule, apprenti)
    client.force_login(apprenti)
    for name in ("apprenticeship:plan", "apprenticeship:carnet"):
        client.get(reverse(name, args=[apprenti.pk]))
        with django_assert_max_num_queries(25):
            assert client.get(reverse(name, args=[apprenti.pk])).status_code == 200


def test_mon_espace_shows_recommended_and_in_progress_capsules(client, apprenti, formateur):
    reviewed_positioning(apprenti, formateur, {"C1.2": 1})
    make_capsule(competences=["C1.2"], slug="recommandee")
    started = make_capsule(competences=["C3.1"], slug="commencee")
    from compagnons.learning import services

    services.mark_read(started, by=apprenti)
    client.force_login(apprenti)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Apprendre en cinq minutes" in html
    assert "parce que C1.2 est à travailler" in html
    assert reverse("learning:quiz", args=["commencee"]) in html


def test_mon_espace_has_no_learning_panel_for_a_donneur_d_ordre(client, client_user):
    client.force_login(client_user)
    assert "Apprendre en cinq minutes" not in client.get(reverse("accounts:dashboard")).content.decode()
