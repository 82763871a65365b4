import re

import pytest
from django.core import mail
from django.urls import reverse

from compagnons.apprenticeship import services as path_services
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.missions import services
from compagnons.missions.models import Application, Mission, WorkerProfile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class TestApply:
    def test_apply_and_the_price_is_the_budget(self, published, compagnon):
        mission = published()
        application = services.apply(mission, compagnon, message="Je propose de commencer lundi.")
        assert application.status == Application.Status.SENT
        assert not hasattr(application, "price")

    def test_one_application_per_mission(self, published, compagnon):
        mission = published()
        services.apply(mission, compagnon, message="Oui")
        with pytest.raises(InvalidTransition):
            services.apply(mission, compagnon, message="Encore")

    def test_the_cap_on_open_applications_is_explained(self, published, compagnon, settings):
        settings.MAX_OPEN_APPLICATIONS = 2
        for i in range(2):
            services.apply(published(title=f"M{i}"), compagnon, message="Oui")
        with pytest.raises(InvalidTransition) as refused:
            services.apply(published(title="M3"), compagnon, message="Oui")
        assert "2 candidatures" in str(refused.value)
        assert Application.objects.filter(applicant=compagnon).count() == 2

    def test_withdrawing_frees_a_place(self, published, compagnon, settings):
        settings.MAX_OPEN_APPLICATIONS = 1
        first = services.apply(published(title="A"), compagnon, message="Oui")
        services.withdraw(first, by=compagnon)
        services.apply(published(title="B"), compagnon, message="Oui")

    def test_clients_and_outsiders_cannot_apply(self, published, client_user, outsider):
        mission = published()
        with pytest.raises(InvalidTransition):
            services.apply(mission, client_user, message="Moi")
        with pytest.raises(PermissionRefused):
            services.apply(mission, outsider, message="Moi")

    def test_only_published_missions_take_applications(self, make_mission, compagnon):
        with pytest.raises(InvalidTransition):
            services.apply(make_mission(), compagnon, message="Oui")


class TestBinomeAndReview:
    def test_a_compagnon_applies_with_their_apprentice(self, published, compagnon, apprenti, formateur):
        path_services.assign_mentor(apprenti, compagnon, by=formateur)
        application = services.apply(published(), compagnon, message="À deux", partner=apprenti)
        assert application.partner == apprenti

    def test_a_compagnon_with_two_apprentices_chooses_which(
        self, client, published, compagnon, apprenti, formateur, django_assert_max_num_queries
    ):
        second = UserFactory(apprentice=True, first_name="Inès")
        for member in (apprenti, second):
            path_services.assign_mentor(member, compagnon, by=formateur)
        mission, stranger = published(), UserFactory(apprentice=True)
        client.force_login(compagnon)
        url = reverse("missions:detail", args=[mission.pk])
        with django_assert_max_num_queries(20):
            page = client.get(url).content.decode()
        assert f"En binôme avec {apprenti.display_name}" in page and f"En binôme avec {second.display_name}" in page

        refused = client.post(url, {"message": "À deux", "partner": stranger.pk})
        assert refused.status_code == 200 and "Sélectionnez un choix valide" in refused.content.decode()
        assert "À deux" in refused.content.decode() and not Application.objects.exists()

        client.post(url, {"message": "À deux", "partner": second.pk})
        assert Application.objects.get().partner == second

    def test_alone_when_no_partner_is_chosen(self, client, published, compagnon, apprenti, formateur):
        path_services.assign_mentor(apprenti, compagnon, by=formateur)
        mission = published()
        client.force_login(compagnon)
        client.post(reverse("missions:detail", args=[mission.pk]), {"message": "Seul", "partner": ""})
        assert Application.objects.get().partner is None

    def test_not_with_someone_elses_apprentice(self, published, compagnon):
        with pytest.raises(InvalidTransition):
            services.apply(published(), compagnon, message="À deux", partner=UserFactory(apprentice=True))

    def test_the_mentor_reviews_before_it_goes_out(
        self, published, compagnon, apprenti, formateur, client_user, client
    ):
        path_services.assign_mentor(apprenti, compagnon, by=formateur)
        application = services.apply(published(), apprenti, message="Premier jet", request_review=True)
        assert application.status == Application.Status.DRAFT

        client.force_login(client_user)
        assert client.get(reverse("missions:application", args=[application.pk])).status_code == 404

        with pytest.raises(PermissionRefused):
            services.review_application(application, by=UserFactory(compagnon=True), comment="Bof")
        services.review_application(application, by=compagnon, comment="Parle du résultat obtenu.")
        services.send_application(application, by=apprenti, message="Version revue")
        application.refresh_from_db()
        assert (application.status, application.message) == ("sent", "Version revue")
        assert application.mentor_comment == "Parle du résultat obtenu."


class TestChoosing:
    def test_choose_tells_the_others_kindly_and_the_compagnon_invoices(
        self, published, declared, apprenti, formateur, client_user, django_capture_on_commit_callbacks
    ):
        self._choose(published, declared, apprenti, formateur, client_user, django_capture_on_commit_callbacks)

    def _choose(self, published, declared, apprenti, formateur, client_user, capture):
        path_services.assign_mentor(apprenti, declared, by=formateur)
        mission = published()
        chosen = services.apply(mission, declared, message="À deux", partner=apprenti)
        other = services.apply(mission, UserFactory(compagnon=True), message="Moi aussi")

        with capture(execute=True):
            services.choose(chosen, by=client_user)

        mission.refresh_from_db()
        other.refresh_from_db()
        assert (mission.status, mission.invoiced_by, mission.is_learning) == ("assigned", declared, True)
        assert other.status == Application.Status.NOT_CHOSEN
        assert len(mail.outbox) == 1 and "choisi une autre personne" in mail.outbox[0].body

    def test_undeclared_work_cannot_be_assigned(self, published, compagnon, client_user):
        mission = published()
        application = services.apply(mission, compagnon, message="Oui")
        with pytest.raises(InvalidTransition) as refused:
            services.choose(application, by=client_user)
        assert "travail déclaré" in str(refused.value)
        WorkerProfile.objects.create(member=compagnon, legal_status="portage", structure="Portage & Co")
        services.choose(application, by=client_user)

    def test_big_missions_ask_for_the_urssaf_attestation(self, published, declared, client_user):
        mission = published(hours=200, euros=5000)
        application = services.apply(mission, declared, message="Oui")
        with pytest.raises(InvalidTransition) as refused:
            services.choose(application, by=client_user)
        assert "vigilance" in str(refused.value)

    def test_only_the_client_chooses(self, published, declared, outsider):
        application = services.apply(published(), declared, message="Oui")
        with pytest.raises(PermissionRefused):
            services.choose(application, by=outsider)


class TestPrivacyOfApplications:
    def test_nobody_sees_another_members_application_or_messages(self, client, published, compagnon, client_user):
        mission = published()
        application = services.apply(mission, compagnon, message="Mon approche secrète")
        services.post_message(application, by=client_user, body="Une question")
        for who in (UserFactory(compagnon=True), UserFactory(client=True), UserFactory(formateur=True)):
            client.force_login(who)
            assert client.get(reverse("missions:application", args=[application.pk])).status_code == 404
            assert client.get(reverse("missions:applications", args=[mission.pk])).status_code == 404
        with pytest.raises(PermissionRefused):
            services.post_message(application, by=UserFactory(), body="Intrus")

    def test_the_client_sees_applicants_with_their_record(
        self, client, published, compagnon, client_user, django_assert_max_num_queries
    ):
        mission = published()
        for _ in range(3):
            services.apply(mission, UserFactory(compagnon=True), message="Bonjour")
        client.force_login(client_user)
        with django_assert_max_num_queries(30):
            html = client.get(reverse("missions:applications", args=[mission.pk])).content.decode()
        assert html.count("Missions livrées et acceptées") == 3

    def test_applicants_never_see_each_other(self, client, published, compagnon):
        mission = published()
        services.apply(mission, UserFactory(compagnon=True, first_name="Rival"), message="Je suis moins cher")
        services.apply(mission, compagnon, message="Bonjour")
        client.force_login(compagnon)
        assert "Rival" not in client.get(reverse("missions:detail", args=[mission.pk])).content.decode()


def test_mission_list_filters_and_bounded_queries(client, published, competences, django_assert_max_num_queries):
    for i in range(5):
        published(title=f"Mission {i}", picked=competences[:1])
    published(title="Traduction rare", picked=competences[5:6])
    with django_assert_max_num_queries(6):
        html = client.get(reverse("missions:list"), {"q": "rare"}).content.decode()
    assert "Traduction rare" in html and "Mission 1" not in html
    html = client.get(reverse("missions:list"), {"competence": competences[0].pk}).content.decode()
    assert "Mission 3" in html and "Traduction rare" not in html
    assert Mission.objects.published().count() == 6


def test_members_see_facts_about_the_client_and_the_client_the_vigilance_reminder(
    client, published, compagnon, client_user
):
    big = published(hours=200, euros=6000)
    client.force_login(compagnon)
    html = client.get(reverse("missions:detail", args=[big.pk])).content.decode()
    assert re.search(r"0 paiements? en retard", html) and "paiement(s)" not in html
    client.force_login(client_user)
    assert "obligation de vigilance" in client.get(reverse("missions:detail", args=[big.pk])).content.decode()


def test_the_mentors_reading_stays_between_mentor_and_apprentice(
    client, published, compagnon, apprenti, formateur, client_user
):
    path_services.assign_mentor(apprenti, compagnon, by=formateur)
    application = services.apply(published(), apprenti, message="Premier jet", request_review=True)
    services.review_application(application, by=compagnon, comment="Relecture privée du compagnon")
    services.send_application(application, by=apprenti)
    client.force_login(client_user)
    assert (
        "Relecture privée du compagnon"
        not in client.get(reverse("missions:application", args=[application.pk])).content.decode()
    )
    client.force_login(apprenti)
    assert (
        "Relecture privée du compagnon"
        in client.get(reverse("missions:application", args=[application.pk])).content.decode()
    )
