from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.missions import records, services
from compagnons.missions.models import Delivery, Mission
from compagnons.skills import services as skills_services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_delivery_then_changes_then_acceptance(assigned, declared, client_user):
    services.start(assigned, by=declared)
    services.deliver(assigned, by=declared, note="Première version")
    with pytest.raises(InvalidTransition):
        services.request_changes(assigned, by=client_user, answer="")
    services.request_changes(assigned, by=client_user, answer="Il manque le tableau.")
    services.deliver(assigned, by=declared, note="Avec le tableau")
    services.accept_delivery(assigned, by=client_user)
    assigned.refresh_from_db()
    assert assigned.status == Mission.Status.CLOSED
    assert list(assigned.deliveries.values_list("status", flat=True)) == ["changes", "accepted"]


def test_only_the_chosen_member_delivers_and_only_the_client_accepts(assigned, declared, client_user, outsider):
    with pytest.raises(PermissionRefused):
        services.start(assigned, by=outsider)
    services.start(assigned, by=declared)
    with pytest.raises(PermissionRefused):
        services.deliver(assigned, by=outsider, note="x")
    services.deliver(assigned, by=declared, note="Livré")
    with pytest.raises(PermissionRefused):
        services.accept_delivery(assigned, by=declared)


def test_automatic_acceptance_after_14_days_is_idempotent(assigned, declared):
    services.start(assigned, by=declared)
    services.deliver(assigned, by=declared, note="Livré")
    later = timezone.now() + timedelta(days=15)
    assert services.auto_accept_deliveries(timezone.now()) == 0
    assert services.auto_accept_deliveries(later) == 1
    assert services.auto_accept_deliveries(later) == 0
    assigned.refresh_from_db()
    assert assigned.status == Mission.Status.CLOSED
    assert assigned.deliveries.get().status == Delivery.Status.AUTO_ACCEPTED


def test_testimonials_are_hidden_until_both_have_written(client, closed, declared, client_user):
    services.write_testimonial(closed, by=client_user, text="Très réactifs.")
    assert not records.testimonials_visible(closed)
    client.force_login(declared)
    assert "Très réactifs." not in client.get(reverse("missions:work", args=[closed.pk])).content.decode()

    services.write_testimonial(closed, by=declared, text="Cliente claire.")
    assert records.testimonials_visible(closed)
    assert "Très réactifs." in client.get(reverse("missions:work", args=[closed.pk])).content.decode()
    with pytest.raises(InvalidTransition):
        services.write_testimonial(closed, by=declared, text="Encore")


def test_testimonials_show_when_the_window_closes(closed, client_user, settings):
    services.write_testimonial(closed, by=client_user, text="Très bien.")
    assert records.testimonials_visible(closed, now=closed.closed_at + timedelta(days=settings.TESTIMONIAL_WINDOW_DAYS))


def test_the_attestation_feeds_both_members_levels_and_the_record(
    client, closed, declared, apprenti, client_user, competences
):
    services.attest(closed, {competences[0].pk: "yes", competences[1].pk: "partly"}, by=client_user)
    with pytest.raises(InvalidTransition):
        services.attest(closed, {competences[0].pk: "yes", competences[1].pk: "yes"}, by=client_user)

    for member in (declared, apprenti):
        levels = skills_services.current_levels(member, competences[0].certification)
        assert (levels[competences[0].pk].level, levels[competences[0].pk].status) == (2, "confirmed")
        assert levels[competences[1].pk].level == 1
    record = records.member_record(declared)
    assert record["delivered"] == 1 and record["on_time"] == 1
    assert [row["competence__code"] for row in record["attested"]] == [competences[0].code]

    client.force_login(client_user)
    assert competences[0].code in client.get(reverse("missions:record", args=[declared.pk])).content.decode()
    client.force_login(UserFactory(client=True))
    assert client.get(reverse("missions:record", args=[declared.pk])).status_code == 404


def test_client_facts_not_scores(closed, declared, client_user):
    services.record_client_facts(closed, by=declared, payment_delay_days=12, scope_changes=1)
    record = records.client_record(client_user)
    assert record == {"missions": 1, "late_payments": 1, "scope_changes": 1, "facts": 1}


def test_mediation_and_one_appeal(closed, declared, client_user, formateur, outsider):
    with pytest.raises(PermissionRefused):
        services.open_dispute(closed, by=outsider, reason="?")
    dispute = services.open_dispute(closed, by=client_user, reason="Le tableau est incomplet.")
    with pytest.raises(InvalidTransition):
        services.open_dispute(closed, by=declared, reason="Doublon")
    services.decide_dispute(
        dispute, by=formateur, decided_for="client", outcome="unchanged", reasons="Compléter le tableau sous 7 jours."
    )
    services.appeal(dispute, by=declared)
    with pytest.raises(InvalidTransition):
        services.appeal(dispute, by=declared)
    dispute = services.decide_dispute(
        dispute, by=formateur, decided_for="client", outcome="unchanged", reasons="Décision confirmée."
    )
    assert dispute.status == "final"


def test_the_work_page_walks_the_whole_flow(
    client, assigned, declared, client_user, competences, django_assert_max_num_queries
):
    url = reverse("missions:work", args=[assigned.pk])
    client.force_login(declared)
    client.post(reverse("missions:work_start", args=[assigned.pk]))
    client.post(reverse("missions:work_deliver", args=[assigned.pk]), {"note": "Voilà"})
    client.force_login(client_user)
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200
    client.post(reverse("missions:work_accept", args=[assigned.pk]))
    data = {f"c_{c.pk}": "yes" for c in assigned.competences.all()}
    client.post(reverse("missions:work_attest", args=[assigned.pk]), data)
    assigned.refresh_from_db()
    assert assigned.status == Mission.Status.CLOSED
    assert assigned.attestations.count() == 2 * assigned.competences.count()

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_the_client_reads_the_urssaf_attestation_and_nobody_else(
    client, assigned, declared, client_user, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from compagnons.missions.models import WorkerProfile

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    profile = WorkerProfile.objects.get(member=declared)
    profile.urssaf_attestation.save("att.pdf", SimpleUploadedFile("att.pdf", b"%PDF-1.4 vigilance"), save=True)
    url = reverse("missions:urssaf_attestation", args=[assigned.pk])
    client.force_login(client_user)
    assert b"".join(client.get(url).streaming_content).startswith(b"%PDF")
    client.force_login(UserFactory(client=True))
    assert client.get(url).status_code == 404


def test_cancelling_an_assigned_mission_gives_back_its_commitment(assigned, declared, client_user):
    from compagnons.ledger import balances
    from compagnons.ledger import services as ledger
    from compagnons.ledger.models import Transaction

    before = balances.balance(ledger.account_of(declared))
    services.cancel(assigned, by=client_user)
    assert balances.balance(ledger.account_of(declared)) == before + 60
    assert Transaction.objects.filter(kind="mission", state="reversed").count() == 1


def test_no_mediation_nor_follow_up_page_before_a_member_is_chosen(client, published, client_user):
    mission = published()
    with pytest.raises(InvalidTransition):
        services.open_dispute(mission, by=client_user, reason="?")
    client.force_login(client_user)
    assert client.get(reverse("missions:work", args=[mission.pk])).status_code == 404
