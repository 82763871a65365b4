from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.models import AuditLog
from compagnons.ledger import services as services_ledger
from compagnons.ledger.models import Transaction
from compagnons.missions import services
from compagnons.missions.models import Lead, Mission, validate_siret
from tests.missions.conftest import CHECKLIST

pytestmark = pytest.mark.django_db


class TestFloor:
    def test_below_the_floor_is_refused_with_the_minimum(self, make_mission, client_user, settings):
        settings.MISSION_HOURLY_FLOOR_CENTS = 2500
        mission = make_mission(hours=20, euros=400)
        with pytest.raises(InvalidTransition) as refused:
            services.submit(mission, by=client_user)
        assert "500 €" in str(refused.value)
        mission.refresh_from_db()
        assert mission.status == Mission.Status.DRAFT

    def test_at_the_floor_is_fine(self, make_mission, client_user):
        mission = make_mission(hours=20, euros=500)
        assert services.submit(mission, by=client_user).status == Mission.Status.SUBMITTED

    def test_the_form_explains_keeps_the_input_then_accepts(self, client, client_user, competences):
        client.force_login(client_user)
        today = timezone.localdate()
        data = {
            "title": "Saisie de factures",
            "context": "Une petite entreprise.",
            "deliverables": "Les factures saisies.",
            "competences": [competences[0].pk],
            "place": "remote",
            "languages": "français",
            "starts_on": (today + timedelta(days=2)).isoformat(),
            "deadline": (today + timedelta(days=20)).isoformat(),
            "pricing": "fixed",
            "budget": "200",
            "estimated_hours": "16",
            "submit": "1",
        }
        response = client.post(reverse("missions:new"), data)
        html = response.content.decode()
        assert response.status_code == 200
        assert "400 €" in html and "plancher" in html
        assert 'value="Saisie de factures"' in html
        assert not Mission.objects.exists()

        data["budget"] = "400"
        assert client.post(reverse("missions:new"), data).status_code == 302
        assert Mission.objects.get().status == Mission.Status.SUBMITTED

    def test_a_daily_rate_is_checked_too(self, client, client_user, competences):
        client.force_login(client_user)
        today = timezone.localdate()
        data = {
            "title": "Support client",
            "context": "…",
            "deliverables": "…",
            "competences": [competences[0].pk],
            "place": "remote",
            "languages": "français",
            "starts_on": today.isoformat(),
            "deadline": (today + timedelta(days=10)).isoformat(),
            "pricing": "daily",
            "daily_rate": "120",
            "days": "3",
        }
        response = client.post(reverse("missions:new"), data)
        assert "525 €" in response.content.decode()
        data["daily_rate"] = "175"
        assert client.post(reverse("missions:new"), data).status_code == 302
        mission = Mission.objects.get()
        assert (mission.budget_cents, mission.estimated_hours) == (52500, 21)

    def test_only_clients_post(self, client, apprenti):
        client.force_login(apprenti)
        assert client.get(reverse("missions:new")).status_code == 404


class TestQualification:
    def test_staff_publish_with_the_whole_checklist(self, make_mission, client_user, formateur):
        mission = make_mission()
        services.submit(mission, by=client_user)
        with pytest.raises(InvalidTransition):
            services.publish(mission, by=formateur, checklist={**CHECKLIST, "no_abusive_terms": False})
        services.publish(mission, by=formateur, checklist=CHECKLIST)
        mission.refresh_from_db()
        assert mission.status == Mission.Status.PUBLISHED
        assert AuditLog.objects.filter(action="mission.published").exists()

    def test_send_back_with_comments(self, make_mission, client_user, formateur):
        mission = make_mission()
        services.submit(mission, by=client_user)
        with pytest.raises(InvalidTransition):
            services.send_back(mission, by=formateur, comment="")
        services.send_back(mission, by=formateur, comment="Précisez les livrables.")
        mission.refresh_from_db()
        assert (mission.status, mission.qualification_comment) == ("draft", "Précisez les livrables.")

    def test_only_staff_qualify_and_only_the_client_submits(self, make_mission, client_user, compagnon):
        mission = make_mission()
        with pytest.raises(PermissionRefused):
            services.submit(mission, by=compagnon)
        services.submit(mission, by=client_user)
        with pytest.raises(PermissionRefused):
            services.publish(mission, by=client_user, checklist=CHECKLIST)

    def test_no_skipping_states(self, make_mission, formateur):
        mission = make_mission()
        with pytest.raises(InvalidTransition):
            services.publish(mission, by=formateur, checklist=CHECKLIST)

    def test_expiry_without_applications_is_idempotent(self, published):
        mission = published(starts_on=timezone.localdate(), deadline=timezone.localdate() + timedelta(days=1))
        later = timezone.localdate() + timedelta(days=2)
        assert services.expire_missions(later) == 1
        assert services.expire_missions(later) == 0
        mission.refresh_from_db()
        assert mission.status == Mission.Status.EXPIRED

    def test_a_mission_with_applications_does_not_expire(self, published, compagnon):
        mission = published(starts_on=timezone.localdate(), deadline=timezone.localdate() + timedelta(days=1))
        services.apply(mission, compagnon, message="Je suis là.")
        assert services.expire_missions(timezone.localdate() + timedelta(days=5)) == 0

    def test_cancel(self, published, client_user, outsider):
        mission = published()
        with pytest.raises(PermissionRefused):
            services.cancel(mission, by=outsider)
        services.cancel(mission, by=client_user)
        mission.refresh_from_db()
        assert mission.status == Mission.Status.CANCELLED


class TestLeads:
    def test_a_lead_needs_the_clients_consent(self, compagnon):
        with pytest.raises(InvalidTransition):
            services.submit_lead(compagnon, contact="Mme X", need="Une page", client_consents=False)

    def test_a_lead_becomes_a_published_mission_once(self, compagnon, make_mission, formateur, client_user):
        lead = services.submit_lead(compagnon, contact="Mme X", need="Une page", client_consents=True)
        mission = make_mission()
        services.convert_lead(lead, mission, by=formateur)
        with pytest.raises(InvalidTransition):
            services.convert_lead(lead, make_mission(title="Autre"), by=formateur)
        services.submit(mission, by=client_user)
        services.publish(mission, by=formateur, checklist=CHECKLIST)
        lead.refresh_from_db()
        assert lead.status == Lead.Status.CONVERTED
        assert AuditLog.objects.filter(action="lead.published", target_id=str(lead.pk)).count() == 1
        credits = Transaction.objects.filter(kind="lead", beneficiary=compagnon)
        assert credits.count() == 1
        assert services_ledger.credit_lead(lead, author=compagnon) == credits.get()  # a second call changes nothing
        assert credits.count() == 1


@pytest.mark.parametrize(("siret", "ok"), [("73282932000074", True), ("73282932000075", False), ("1234", False)])
def test_siret_checksum(siret, ok):
    from django.core.exceptions import ValidationError

    if ok:
        validate_siret(siret)
    else:
        with pytest.raises(ValidationError):
            validate_siret(siret)
