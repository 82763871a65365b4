from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from compagnons.apprenticeship import chain, pairing, services
from compagnons.apprenticeship.jobs import send_inactivity_reminders
from compagnons.apprenticeship.models import Enrollment, PathProfile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class TestDropOutPrevention:
    def test_one_reminder_per_lapse_never_twice(self, enrolled, apprenti, settings):
        settings.INACTIVITY_ALERT_DAYS = 14
        Enrollment.objects.filter(pk=enrolled.pk).update(last_activity_at=timezone.now() - timedelta(days=15))

        send_inactivity_reminders.enqueue()
        send_inactivity_reminders.enqueue()

        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == [apprenti.email]
        assert "Où en êtes-vous" in mail.outbox[0].subject

        # Activity resumes, then lapses again: a new lapse gets its own reminder.
        services.touch_activity(apprenti)
        send_inactivity_reminders.enqueue()
        assert len(mail.outbox) == 1
        Enrollment.objects.filter(pk=enrolled.pk).update(last_activity_at=timezone.now() - timedelta(days=20))
        send_inactivity_reminders.enqueue()
        assert len(mail.outbox) == 2

    def test_active_apprentices_and_opted_out_members_get_nothing(self, enrolled, apprenti, settings):
        send_inactivity_reminders.enqueue()
        assert mail.outbox == []
        apprenti.notify_by_email = False
        apprenti.save()
        Enrollment.objects.filter(pk=enrolled.pk).update(last_activity_at=timezone.now() - timedelta(days=60))
        send_inactivity_reminders.enqueue()
        assert mail.outbox == []

    def test_the_roster_flags_inactive_apprentices(
        self, client, cohort, enrolled, formateur, django_assert_max_num_queries
    ):
        for _ in range(2):
            services.enroll(cohort, UserFactory(), by=formateur)
        Enrollment.objects.filter(pk=enrolled.pk).update(last_activity_at=timezone.now() - timedelta(days=60))
        client.force_login(formateur)
        with django_assert_max_num_queries(12):
            html = client.get(reverse("apprenticeship:cohort", args=[cohort.pk])).content.decode()
        assert html.count("sans activité") == 1


class TestChain:
    def test_two_generations_with_counts(self, formateur, cohort):
        founder = UserFactory(compagnon=True, first_name="Jean", last_name="Fondateur")
        second = UserFactory(apprentice=True, first_name="Sylvie", last_name="Seconde")
        third = UserFactory(apprentice=True, first_name="Thomas", last_name="Troisième")
        services.enroll(cohort, second, by=formateur)
        first = services.assign_mentor(second, founder, by=formateur)
        services.record_adoption_piece(second, by=formateur, description="Adoption")
        services.receive_as_compagnon(second, by=formateur, grounds="Jury")
        services.end_mentorship(first, by=formateur, reason="Reçue compagnon")
        services.assign_mentor(third, second, by=formateur)

        firsts, _pages = chain.roots(for_member=True)

        assert chain.depth(firsts) == 3
        assert [r.name for r in firsts] == ["Jean Fondateur"]
        assert (firsts[0].followed, firsts[0].became_compagnons, firsts[0].descendants) == (1, 1, 2)
        branch = chain.subtree(founder.pk, for_member=True)
        assert branch.children[0].children[0].name == "Thomas Troisième"

    def test_visitors_see_only_names_of_those_who_opted_in(self, client, formateur):
        founder = UserFactory(compagnon=True, first_name="Jean", last_name="Public")
        apprentice = UserFactory(apprentice=True, first_name="Anne", last_name="Discrète")
        services.assign_mentor(apprentice, founder, by=formateur)
        PathProfile.objects.create(member=founder, public_in_chain=True)

        assert "Jean Public" in client.get(reverse("apprenticeship:chain")).content.decode()
        branch_url = reverse("apprenticeship:chain_branch", args=[founder.pk])
        html = client.get(branch_url).content.decode()
        assert "Jean Public" in html
        assert "Anne Discrète" not in html
        assert "un membre discret" in html

        client.force_login(apprentice)
        assert "Anne Discrète" in client.get(branch_url).content.decode()
        assert client.get(reverse("apprenticeship:chain_branch", args=[apprentice.pk])).status_code == 404

    def test_chain_query_count_does_not_grow(self, client, formateur, django_assert_max_num_queries):
        for _ in range(5):
            services.assign_mentor(UserFactory(apprentice=True), UserFactory(compagnon=True), by=formateur)
        with django_assert_max_num_queries(8):
            assert client.get(reverse("apprenticeship:chain")).status_code == 200
        root = chain.Chain().roots[0]
        with django_assert_max_num_queries(8):
            assert client.get(reverse("apprenticeship:chain_branch", args=[root])).status_code == 200


class TestCohortPages:
    def test_staff_create_a_cohort_and_bad_dates_keep_the_input(self, client, formateur):
        from compagnons.skills.models import Certification

        client.force_login(formateur)
        data = {
            "name": "Promotion Automne",
            "certification": Certification.objects.current().pk,
            "starts_on": "2027-01-10",
            "ends_on": "2026-12-01",
            "formateur": formateur.pk,
            "funding": "region",
            "capacity": "15",
            "open_for_requests": "on",
        }
        response = client.post(reverse("apprenticeship:cohorts"), data)
        assert response.status_code == 200
        assert "La fin doit suivre le début." in response.content.decode()
        assert 'value="Promotion Automne"' in response.content.decode()

        data["ends_on"] = "2027-10-01"
        assert client.post(reverse("apprenticeship:cohorts"), data).status_code == 302

    def test_members_request_and_staff_accept_through_pages(self, client, cohort, outsider, formateur):
        client.force_login(outsider)
        client.post(reverse("apprenticeship:cohort_request", args=[cohort.pk]))
        enrollment = Enrollment.objects.get(member=outsider)
        client.force_login(formateur)
        client.post(reverse("apprenticeship:enrollment_accept", args=[enrollment.pk]))
        enrollment.refresh_from_db()
        assert enrollment.status == Enrollment.Status.ACTIVE

    @pytest.mark.parametrize("who", ["apprenti", "compagnon", "client_user", "outsider"])
    def test_members_cannot_reach_staff_pages(self, client, request, who, cohort, enrolled):
        client.force_login(request.getfixturevalue(who))
        assert client.get(reverse("apprenticeship:cohorts")).status_code == 403
        assert client.get(reverse("apprenticeship:cohort", args=[cohort.pk])).status_code == 403
        assert (
            client.post(reverse("apprenticeship:enrollment_drop", args=[enrolled.pk]), {"comment": "x"}).status_code
            == 403
        )
        enrolled.refresh_from_db()
        assert enrolled.status == Enrollment.Status.ACTIVE


class TestDashboards:
    def test_apprentice_sees_stage_mentor_and_next_steps(
        self, client, mentorship, apprenti, django_assert_max_num_queries
    ):
        client.force_login(apprenti)
        with django_assert_max_num_queries(36):  # 30, + the panels of coaching, community and learning
            html = client.get(reverse("accounts:dashboard")).content.decode()
        assert "Apprenti·e — Promotion test" in html
        assert mentorship.mentor.display_name in html
        assert "Construire votre plan" in html

    def test_mentor_sees_apprentices_and_evidence_to_review(
        self, client, mentorship, apprenti, compagnon, competences, django_assert_max_num_queries
    ):
        services.add_evidence(
            apprenti, by=apprenti, title="Mon devis", kind="text", text="…", competences=competences[:1]
        )
        client.force_login(compagnon)
        with django_assert_max_num_queries(36):  # 30, + the panels of coaching, community and learning
            html = client.get(reverse("accounts:dashboard")).content.decode()
        assert apprenti.display_name in html
        assert "Mon devis" in html

    def test_staff_dashboard_counts_inactive(self, client, cohort, enrolled, formateur):
        Enrollment.objects.filter(pk=enrolled.pk).update(last_activity_at=timezone.now() - timedelta(days=90))
        client.force_login(formateur)
        html = client.get(reverse("accounts:dashboard")).content.decode()
        assert "Sans activité récente" in html
        assert "<strong>1</strong>" in html


class TestAssignMentorPage:
    def test_staff_assign_with_suggestions(
        self, client, enrolled, apprenti, compagnon, formateur, django_assert_max_num_queries
    ):
        client.force_login(formateur)
        url = reverse("apprenticeship:enrollment_mentor", args=[enrolled.pk])
        with django_assert_max_num_queries(14):
            page = client.get(url).content.decode()
        assert compagnon.display_name in page
        assert client.post(url, {"mentor": compagnon.pk}).status_code == 302
        assert pairing.is_mentor_of(compagnon, apprenti)

    def test_non_compagnon_is_refused_with_a_message(self, client, enrolled, formateur, outsider):
        client.force_login(formateur)
        response = client.post(reverse("apprenticeship:enrollment_mentor", args=[enrolled.pk]), {"mentor": outsider.pk})
        assert response.status_code == 200
        assert "Sélectionnez un choix valide" in response.content.decode()

    @pytest.mark.parametrize("who", ["apprenti", "compagnon", "outsider"])
    def test_members_cannot_assign(self, client, request, who, enrolled, compagnon):
        client.force_login(request.getfixturevalue(who))
        response = client.post(
            reverse("apprenticeship:enrollment_mentor", args=[enrolled.pk]), {"mentor": compagnon.pk}
        )
        assert response.status_code == 403
        assert not pairing.is_mentor_of(compagnon, enrolled.member)


def test_roster_figures_are_not_multiplied_by_joins(client, cohort, mentorship, apprenti, formateur, competences):
    from datetime import timedelta as td

    for days in (1, 2, 3):
        s = services.log_session(
            mentorship, by=mentorship.mentor, on=timezone.localdate() - td(days=days), duration_minutes=60, mode="visio"
        )
        services.confirm_session(s, by=apprenti)
    goal = services.add_goal(apprenti, competences[0], by=formateur)
    for label in ("Un", "Deux", "Trois", "Quatre"):
        services.add_step(goal, label, by=formateur)
    client.force_login(formateur)

    html = client.get(reverse("apprenticeship:cohort", args=[cohort.pk])).content.decode()

    assert "180 min" in html
    assert "0 / 4" in html
