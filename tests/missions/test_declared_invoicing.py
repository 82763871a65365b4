"""Declared work, always: an apprentice under their compagnon's responsibility never invoices a mission. They do not
apply alone; the member who invoices (the chosen applicant: in a binôme, the compagnon) has a status that invoices."""

import pytest
from django.urls import reverse

from compagnons.apprenticeship import services as path_services
from compagnons.core.exceptions import InvalidTransition
from compagnons.missions import services
from compagnons.missions.models import Application, Mission, WorkerProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def under_compagnon(apprenti, declared):
    """Léa, apprentice « sous la responsabilité de son compagnon » (no SIRET); Jean-Pierre, her compagnon, micro."""
    return apprenti


class TestApplyingAlone:
    def test_refused_with_an_explanation_and_nothing_written(self, published, under_compagnon):
        mission = published()
        with pytest.raises(InvalidTransition) as refused:
            services.apply(mission, under_compagnon, message="Je peux le faire.")
        assert "sous la responsabilité de votre compagnon" in str(refused.value)
        assert "binôme" in str(refused.value)
        assert not Application.objects.exists()

    def test_nor_by_asking_the_compagnon_to_read_first(self, published, under_compagnon, declared, formateur):
        path_services.assign_mentor(under_compagnon, declared, by=formateur)
        with pytest.raises(InvalidTransition):
            services.apply(published(), under_compagnon, message="Premier jet", request_review=True)
        assert not Application.objects.exists()

    def test_the_page_says_why_without_an_error(self, client, published, under_compagnon):
        mission = published()
        client.force_login(under_compagnon)
        response = client.post(reverse("missions:detail", args=[mission.pk]), {"message": "Je peux le faire."})
        assert response.status_code == 200
        assert "sous la responsabilité de votre compagnon" in response.content.decode()
        assert not Application.objects.exists()

    def test_a_draft_written_before_does_not_go_out_alone(self, published, apprenti, compagnon, formateur):
        path_services.assign_mentor(apprenti, compagnon, by=formateur)
        draft = services.apply(published(), apprenti, message="Premier jet", request_review=True)
        WorkerProfile.objects.create(member=apprenti, legal_status="under_compagnon")
        with pytest.raises(InvalidTransition, match="sous la responsabilité"):
            services.send_application(draft, by=apprenti)
        draft.refresh_from_db()
        assert draft.status == Application.Status.DRAFT

    def test_an_apprentice_with_her_own_status_may(self, published, apprenti, client_user):
        WorkerProfile.objects.create(member=apprenti, legal_status="micro", siret="73282932000074")
        application = services.apply(published(), apprenti, message="Je facture moi-même.")
        mission = services.choose(application, by=client_user)
        assert mission.invoiced_by == apprenti


class TestChoosing:
    def test_in_a_binome_the_compagnon_with_a_status_invoices(
        self, published, under_compagnon, declared, formateur, client_user
    ):
        path_services.assign_mentor(under_compagnon, declared, by=formateur)
        application = services.apply(published(), declared, message="À deux", partner=under_compagnon)
        mission = services.choose(application, by=client_user)
        assert mission.invoiced_by == declared
        assert WorkerProfile.objects.get(member=mission.invoiced_by).can_invoice

    def test_refused_when_the_invoicing_member_would_be_under_a_compagnon(
        self, client, published, apprenti, client_user
    ):
        # Applied alone before stating her status, then declared « sous la responsabilité de son compagnon ».
        mission = published()
        application = services.apply(mission, apprenti, message="Je peux le faire.")
        WorkerProfile.objects.create(member=apprenti, legal_status="under_compagnon")
        with pytest.raises(InvalidTransition) as refused:
            services.choose(application, by=client_user)
        assert "ne facture pas" in str(refused.value) and "binôme" in str(refused.value)
        mission.refresh_from_db()
        assert (mission.status, mission.invoiced_by, mission.chosen) == (Mission.Status.PUBLISHED, None, None)

        # The client's page says it, no error.
        client.force_login(client_user)
        response = client.post(reverse("missions:application_choose", args=[application.pk]), follow=True)
        assert response.status_code == 200
        assert "ne facture pas" in response.content.decode()
        mission.refresh_from_db()
        assert mission.invoiced_by is None
