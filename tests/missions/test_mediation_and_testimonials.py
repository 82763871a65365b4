"""Issue 13 D: an author sees their own testimonial before the other side writes; the staff mediation page shows
both sides and the mission's history, and takes a structured decision."""

import pytest
from django.urls import reverse

from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.models import AuditLog
from compagnons.missions import services
from compagnons.missions.models import Mission

pytestmark = pytest.mark.django_db


def test_the_author_sees_their_own_testimonial_until_the_other_side_writes(client, closed, declared, client_user):
    services.write_testimonial(closed, by=client_user, text="Très réactifs.")
    url = reverse("missions:work", args=[closed.pk])
    client.force_login(client_user)
    html = client.get(url).content.decode()
    assert "Très réactifs." in html
    assert "visible quand l&#x27;autre partie aura écrit" in html or "visible quand l'autre partie aura écrit" in html
    client.force_login(declared)
    assert "Très réactifs." not in client.get(url).content.decode()


@pytest.fixture
def delivered(assigned, declared):
    services.start(assigned, by=declared)
    services.deliver(assigned, by=declared, note="Le tableau de bord, version 1")
    assigned.refresh_from_db()
    return assigned


def test_the_other_party_gives_its_side_and_only_it(delivered, declared, apprenti, client_user, outsider):
    dispute = services.open_dispute(delivered, by=client_user, reason="Le tableau est incomplet.")
    for refused in (client_user, outsider):
        with pytest.raises(PermissionRefused):
            services.respond_to_dispute(dispute, by=refused, text="Moi aussi")
    with pytest.raises(InvalidTransition):
        services.respond_to_dispute(dispute, by=declared, text="   ")
    services.respond_to_dispute(dispute, by=apprenti, text="Les données manquaient côté client.")
    dispute.refresh_from_db()
    assert (dispute.response, dispute.responded_by) == ("Les données manquaient côté client.", apprenti)
    assert AuditLog.objects.filter(action="dispute.answered", actor=apprenti).exists()


def test_the_other_party_answers_from_the_work_page(client, delivered, declared, client_user):
    services.open_dispute(delivered, by=client_user, reason="Le tableau est incomplet.")
    url = reverse("missions:work", args=[delivered.pk])
    client.force_login(client_user)
    answer_url = reverse("missions:work_dispute_response", args=[delivered.pk])
    assert answer_url not in client.get(url).content.decode()
    client.force_login(declared)
    assert answer_url in client.get(url).content.decode()
    client.post(answer_url, {"text": "Il manquait les chiffres de mars."})
    assert delivered.disputes.get().response == "Il manquait les chiffres de mars."


def test_the_staff_page_shows_both_sides_and_the_history(
    client, delivered, declared, client_user, formateur, django_assert_max_num_queries
):
    dispute = services.open_dispute(delivered, by=client_user, reason="Le tableau est incomplet.")
    services.respond_to_dispute(dispute, by=declared, text="Il manquait les chiffres de mars.")
    url = reverse("missions:dispute", args=[dispute.pk])
    client.force_login(formateur)
    with django_assert_max_num_queries(16):
        html = client.get(url).content.decode()
    assert "Le tableau est incomplet." in html
    assert "Il manquait les chiffres de mars." in html
    assert "Le tableau de bord, version 1" in html  # the delivery
    assert "Mission : Livrée" in html and "Mission : En cours" in html  # the history, from the audit log
    assert "Médiation demandée" in html and "Réponse de l&#x27;autre partie" in html
    # Only the outcomes a delivered mission allows are offered.
    for outcome in ("accept", "redo", "cancel", "unchanged"):
        assert f'value="{outcome}"' in html


def test_more_history_costs_no_more_queries(client, delivered, declared, client_user, formateur):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dispute = services.open_dispute(delivered, by=client_user, reason="Incomplet.")
    url = reverse("missions:dispute", args=[dispute.pk])
    client.force_login(formateur)
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    services.respond_to_dispute(dispute, by=declared, text="Version 1")
    services.respond_to_dispute(dispute, by=declared, text="Version 2")
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after.captured_queries) == len(before.captured_queries)


def test_nobody_but_staff_opens_the_mediation_page(client, delivered, declared, apprenti, client_user, outsider):
    dispute = services.open_dispute(delivered, by=client_user, reason="Incomplet.")
    url = reverse("missions:dispute", args=[dispute.pk])
    for who in (client_user, declared, apprenti, outsider):
        client.force_login(who)
        assert client.get(url).status_code == 403
        assert client.post(url, {"decided_for": "client", "outcome": "cancel", "reasons": "x"}).status_code == 403
    delivered.refresh_from_db()
    assert delivered.status == Mission.Status.DELIVERED
    with pytest.raises(PermissionRefused):
        services.decide_dispute(dispute, by=client_user, decided_for="client", outcome="cancel", reasons="x")


def test_redo_sends_the_delivery_back_with_the_reasons(client, delivered, client_user, formateur):
    dispute = services.open_dispute(delivered, by=client_user, reason="Incomplet.")
    client.force_login(formateur)
    response = client.post(
        reverse("missions:dispute", args=[dispute.pk]),
        {"decided_for": "shared", "outcome": "redo", "reasons": "Ajouter mars, puis livrer à nouveau."},
    )
    assert response.status_code == 302
    delivered.refresh_from_db()
    dispute.refresh_from_db()
    assert delivered.status == Mission.Status.IN_PROGRESS
    assert delivered.deliveries.get().answer == "Ajouter mars, puis livrer à nouveau."
    assert (dispute.status, dispute.decided_for, dispute.outcome) == ("decided", "shared", "redo")
    assert AuditLog.objects.filter(action="mission.in_progress", data__dispute=dispute.pk).exists()


def test_accept_closes_the_mission_for_the_member(delivered, client_user, formateur):
    dispute = services.open_dispute(delivered, by=client_user, reason="Incomplet.")
    services.decide_dispute(dispute, by=formateur, decided_for="member", outcome="accept", reasons="Conforme.")
    delivered.refresh_from_db()
    assert delivered.status == Mission.Status.CLOSED and delivered.closed_at is not None
    assert delivered.deliveries.get().status == "accepted"


def test_cancel_gives_back_the_commitment(delivered, declared, client_user, formateur):
    from compagnons.ledger import balances
    from compagnons.ledger import services as ledger

    before = balances.balance(ledger.account_of(declared))
    dispute = services.open_dispute(delivered, by=declared, reason="Le client ne répond plus.")
    services.decide_dispute(dispute, by=formateur, decided_for="member", outcome="cancel", reasons="Injoignable.")
    delivered.refresh_from_db()
    assert delivered.status == Mission.Status.CANCELLED
    assert balances.balance(ledger.account_of(declared)) == before + 60


def test_a_decision_needs_a_side_an_outcome_the_state_allows_and_reasons(client, closed, client_user, formateur):
    dispute = services.open_dispute(closed, by=client_user, reason="Incomplet.")
    with pytest.raises(InvalidTransition, match="motifs"):
        services.decide_dispute(dispute, by=formateur, decided_for="client", outcome="unchanged", reasons=" ")
    with pytest.raises(InvalidTransition, match="en faveur"):
        services.decide_dispute(dispute, by=formateur, decided_for="", outcome="unchanged", reasons="x")
    with pytest.raises(InvalidTransition, match="Clôturée"):
        services.decide_dispute(dispute, by=formateur, decided_for="client", outcome="redo", reasons="x")
    client.force_login(formateur)
    url = reverse("missions:dispute", args=[dispute.pk])
    html = client.post(url, {"decided_for": "client", "outcome": "cancel", "reasons": ""}).content.decode()
    assert "Écrivez les motifs de la décision." in html
    assert 'value="cancel"' not in html  # a closed mission is not cancelled
    dispute.refresh_from_db()
    closed.refresh_from_db()
    assert dispute.status == "open" and closed.status == Mission.Status.CLOSED


def test_appeal_then_final_decision(delivered, declared, client_user, formateur):
    dispute = services.open_dispute(delivered, by=client_user, reason="Incomplet.")
    services.decide_dispute(dispute, by=formateur, decided_for="client", outcome="unchanged", reasons="À finir.")
    services.appeal(dispute, by=declared)
    services.respond_to_dispute(dispute, by=declared, text="Nouvel élément : le mail du 3 mars.")
    dispute = services.decide_dispute(dispute, by=formateur, decided_for="member", outcome="accept", reasons="Vu.")
    assert dispute.status == "final"
    with pytest.raises(InvalidTransition):
        services.respond_to_dispute(dispute, by=declared, text="Encore")
