import pytest
from django.core import mail
from django.urls import reverse

from compagnons.missions import matching, records, services
from compagnons.missions.jobs import send_digests
from compagnons.missions.models import Announcement
from compagnons.skills import services as skills_services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_recommendations_say_why_and_how_each_competence_is_known(
    client, published, compagnon, formateur, competences, django_assert_max_num_queries
):
    skills_services.record_assessment(compagnon, competences[0], 2, source="staff", by=formateur)
    skills_services.record_assessment(compagnon, competences[1], 3, source="self", by=compagnon)
    match = published(title="Pour moi", picked=competences[:2])
    published(title="Pas pour moi", picked=competences[10:11])
    client.force_login(compagnon)

    with django_assert_max_num_queries(12):
        html = client.get(reverse("missions:recommendations")).content.decode()

    assert "Pour moi" in html and "Pas pour moi" not in html
    assert f"{competences[0].code} — validée par un formateur" in html
    assert f"{competences[1].code} — déclarée" in html
    assert matching.recommend(compagnon)[0].mission == match


def test_how_known_follows_the_current_level_not_superseded_judgements(compagnon, formateur, competences):
    # The same formateur said « acquis », then « en cours »: their later word stands, the compétence is no longer known.
    skills_services.record_assessment(compagnon, competences[0], 2, source="staff", by=formateur)
    skills_services.record_assessment(compagnon, competences[0], 1, source="staff", by=formateur)
    # Declared « maîtrisé », but a formateur judged it « en cours »: the outside judgement wins.
    skills_services.record_assessment(compagnon, competences[1], 3, source="self", by=compagnon)
    skills_services.record_assessment(compagnon, competences[1], 1, source="staff", by=formateur)
    # Declared and confirmed: known through the confirmation, not the declaration.
    skills_services.record_assessment(compagnon, competences[2], 2, source="self", by=compagnon)
    skills_services.record_assessment(compagnon, competences[2], 2, source="staff", by=formateur)
    # Only declared: known as declared.
    skills_services.record_assessment(compagnon, competences[3], 2, source="self", by=compagnon)

    known = records.how_known([compagnon.pk])[compagnon.pk]

    assert set(known) == {competences[2].pk, competences[3].pk}
    assert known[competences[2].pk][1] == "validée par un formateur"
    assert known[competences[3].pk][1] == "déclarée"


def test_never_sorted_by_price(published, compagnon, formateur, competences):
    skills_services.record_assessment(compagnon, competences[0], 2, source="staff", by=formateur)
    cheap = published(title="A", hours=10, euros=250, picked=competences[:1])
    rich = published(title="B", hours=10, euros=900, picked=competences[:1])
    order = [m.mission for m in matching.recommend(compagnon)]
    assert order == [rich, cheap]  # newest first among equal matches, the budget plays no part


def test_fairness_rotation_puts_the_least_solicited_first(published, formateur, competences):
    busy, quiet = UserFactory(compagnon=True), UserFactory(compagnon=True)
    for member in (busy, quiet):
        skills_services.record_assessment(member, competences[0], 2, source="staff", by=formateur)
    for i in range(3):
        services.apply(published(title=f"Autre {i}", picked=competences[20:21]), busy, message="Oui")
    mission = published(title="Nouvelle", picked=competences[:1])

    assert matching.best_matches(mission, limit=2) == [quiet, busy]


def test_the_digest_announces_each_mission_once(published, compagnon, formateur, competences):
    compagnon.digest = "daily"
    compagnon.save()
    skills_services.record_assessment(compagnon, competences[0], 2, source="staff", by=formateur)
    published(title="Une mission pour vous", picked=competences[:1])

    send_digests.enqueue()
    send_digests.enqueue()

    assert len(mail.outbox) == 1
    assert "Une mission pour vous" in mail.outbox[0].body
    assert Announcement.objects.count() == 1


def test_opted_out_members_get_no_digest(published, compagnon, formateur, competences):
    compagnon.digest = "never"
    compagnon.save()
    skills_services.record_assessment(compagnon, competences[0], 2, source="staff", by=formateur)
    published(picked=competences[:1])
    send_digests.enqueue()
    assert mail.outbox == []


def test_weekly_members_are_told_by_the_weekly_digest_only(published, compagnon, formateur, competences):
    from compagnons.missions.jobs import send_weekly_digests

    assert compagnon.digest == "weekly"
    skills_services.record_assessment(compagnon, competences[0], 2, source="staff", by=formateur)
    published(picked=competences[:1])
    send_digests.enqueue()
    assert mail.outbox == []
    send_weekly_digests.enqueue()
    assert len(mail.outbox) == 1


def test_recommendation_reasons_follow_the_reader_s_language(client, published, compagnon, formateur, competences):
    """The reasons' labels are built at import time: they must be lazy, or English pages show French."""
    skills_services.record_assessment(compagnon, competences[0], 2, source="self", by=compagnon)
    published(title="Pour moi", picked=competences[:1])
    client.force_login(compagnon)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("missions:recommendations")).content.decode()
    assert f"{competences[0].code} — declared" in html
    assert "déclarée" not in html
