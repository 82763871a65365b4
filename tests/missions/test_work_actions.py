"""The follow-up page's actions: one POST view each, under the mission's work URL. Per action: it does its work for
the right person, answers 404 to an outsider, and an invalid input shows the page again with the input and why."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from compagnons.missions import services
from compagnons.missions.forms import TEXT_MAX_LENGTH
from compagnons.missions.models import ClientFacts, Dispute, Mission

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def in_progress(assigned, declared):
    services.start(assigned, by=declared)
    return assigned


@pytest.fixture
def delivered(in_progress, declared):
    services.deliver(in_progress, by=declared, note="Le tableau, version 1")
    return in_progress


@pytest.fixture
def disputed(delivered, client_user):
    services.open_dispute(delivered, by=client_user, reason="Il manque mars.")
    return delivered


@pytest.fixture
def decided(disputed, formateur):
    services.decide_dispute(
        disputed.disputes.get(), by=formateur, decided_for="client", outcome="unchanged", reasons="Vu."
    )
    return disputed


# (action, the mission's fixture, who acts, what is posted, what shows it was done)
ACTIONS = {
    "work_start": ("assigned", "declared", {}, lambda m: m.status == Mission.Status.IN_PROGRESS),
    "work_deliver": ("in_progress", "declared", {"note": "Voilà"}, lambda m: m.status == Mission.Status.DELIVERED),
    "work_accept": ("delivered", "client_user", {}, lambda m: m.status == Mission.Status.CLOSED),
    "work_changes": (
        "delivered",
        "client_user",
        {"text": "Les chiffres de mars"},
        lambda m: m.status == Mission.Status.IN_PROGRESS and m.deliveries.get().answer == "Les chiffres de mars",
    ),
    "work_testimonial": (
        "closed",
        "client_user",
        {"text": "Très réactifs."},
        lambda m: m.testimonials.filter(text="Très réactifs.").exists(),
    ),
    "work_attest": ("closed", "client_user", "yes", lambda m: m.attestations.filter(result="yes").exists()),
    "work_facts": (
        "closed",
        "declared",
        {"payment_delay_days": "3", "scope_changes": "1"},
        lambda m: ClientFacts.objects.filter(mission=m, payment_delay_days=3).exists(),
    ),
    "work_dispute": (
        "delivered",
        "client_user",
        {"text": "Incomplet."},
        lambda m: m.disputes.filter(reason="Incomplet.").exists(),
    ),
    "work_dispute_response": (
        "disputed",
        "declared",
        {"text": "Les données manquaient."},
        lambda m: m.disputes.get().response == "Les données manquaient.",
    ),
    "work_appeal": ("decided", "client_user", {}, lambda m: m.disputes.get().status == Dispute.Status.APPEALED),
}

# The text actions: (action, the mission's fixture, who acts, the field, the message when it is empty)
TEXTS = [
    ("work_deliver", "in_progress", "declared", "note", "Décrivez ce que vous livrez."),
    ("work_changes", "delivered", "client_user", "text", "Dites ce qui manque."),
    ("work_testimonial", "closed", "client_user", "text", "Écrivez votre témoignage."),
    ("work_dispute", "delivered", "client_user", "text", "Expliquez ce qui ne va pas."),
    ("work_dispute_response", "disputed", "declared", "text", "Écrivez votre version des faits."),
]


def _data(data, mission):
    if data == "yes":
        return {f"c_{c.pk}": "yes" for c in mission.competences.all()}
    return data


@pytest.mark.parametrize("action", ACTIONS)
def test_each_action_does_its_work(request, client, action):
    fixture, who, data, done = ACTIONS[action]
    mission = request.getfixturevalue(fixture)
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse(f"missions:{action}", args=[mission.pk]), _data(data, mission))
    assert response.status_code == 302
    assert response.url == reverse("missions:work", args=[mission.pk])
    assert "C'est enregistré." in _messages(response)
    assert done(Mission.objects.get(pk=mission.pk))


@pytest.mark.parametrize("action", ACTIONS)
def test_an_outsider_gets_a_404_and_nothing_changes(request, client, outsider, action):
    fixture, _who, data, done = ACTIONS[action]
    mission = request.getfixturevalue(fixture)
    client.force_login(outsider)
    assert client.post(reverse(f"missions:{action}", args=[mission.pk]), _data(data, mission)).status_code == 404
    assert not done(Mission.objects.get(pk=mission.pk))


@pytest.mark.parametrize("action", ACTIONS)
def test_each_action_takes_only_a_post(request, client, action):
    fixture, who, *_rest = ACTIONS[action]
    mission = request.getfixturevalue(fixture)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(f"missions:{action}", args=[mission.pk])).status_code == 405


@pytest.mark.parametrize(("action", "fixture", "who", "field", "missing"), TEXTS)
def test_an_empty_text_shows_the_page_again_and_says_why(request, client, action, fixture, who, field, missing):
    mission = request.getfixturevalue(fixture)
    client.force_login(request.getfixturevalue(who))
    before = Mission.objects.get(pk=mission.pk).status
    response = client.post(reverse(f"missions:{action}", args=[mission.pk]), {field: "   "})
    assert response.status_code == 200
    assert missing in _messages(response)
    assert missing in response.content.decode()  # beside the field too
    assert Mission.objects.get(pk=mission.pk).status == before


@pytest.mark.parametrize(("action", "fixture", "who", "field", "_missing"), TEXTS)
def test_a_too_long_text_keeps_what_was_typed_and_says_why(request, client, action, fixture, who, field, _missing):
    mission = request.getfixturevalue(fixture)
    client.force_login(request.getfixturevalue(who))
    before = Mission.objects.get(pk=mission.pk).status
    typed = "Mon texte " + "x" * TEXT_MAX_LENGTH
    response = client.post(reverse(f"missions:{action}", args=[mission.pk]), {field: typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert typed in html
    assert f"au plus {TEXT_MAX_LENGTH} caractères" in " ".join(_messages(response)).replace("\u202f", "").replace(
        "\xa0", ""
    )
    assert Mission.objects.get(pk=mission.pk).status == before
    assert not Dispute.objects.filter(reason=typed).exists()


def test_attesting_without_every_answer_keeps_the_answers_given(client, closed, client_user):
    first = closed.competences.first()
    client.force_login(client_user)
    response = client.post(reverse("missions:work_attest", args=[closed.pk]), {f"c_{first.pk}": "partly"})
    assert response.status_code == 200
    assert "Répondez pour chaque compétence attendue." in _messages(response)
    html = response.content.decode()
    assert f'name="c_{first.pk}" value="partly"' in html and "checked" in html
    assert not closed.attestations.exists()


def test_facts_out_of_range_keep_the_input_and_say_why(client, closed, declared):
    client.force_login(declared)
    response = client.post(
        reverse("missions:work_facts", args=[closed.pk]), {"payment_delay_days": "-3", "scope_changes": "1"}
    )
    assert response.status_code == 200
    assert "Indiquez des nombres de jours et de changements valides." in _messages(response)
    assert 'value="-3"' in response.content.decode()
    assert not ClientFacts.objects.exists()


def test_a_refusal_of_the_service_comes_back_as_a_message(client, assigned, client_user):
    """The client may not start the work: the service says so, on the follow-up page."""
    client.force_login(client_user)
    response = client.post(reverse("missions:work_start", args=[assigned.pk]))
    assert response.status_code == 302
    assert response.url == reverse("missions:work", args=[assigned.pk])
    assert "Seul le membre retenu peut faire cela." in _messages(response)
    assert Mission.objects.get(pk=assigned.pk).status == Mission.Status.ASSIGNED


def test_the_page_posts_each_form_to_its_own_url(client, delivered, client_user):
    client.force_login(client_user)
    html = client.get(reverse("missions:work", args=[delivered.pk])).content.decode()
    for action in ("work_accept", "work_changes", "work_dispute"):
        assert f'action="{reverse(f"missions:{action}", args=[delivered.pk])}"' in html
    assert 'name="action"' not in html
