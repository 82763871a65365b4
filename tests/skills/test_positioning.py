import pytest
from django.urls import reverse

from compagnons.apprenticeship.services import assign_mentor
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.models import AuditLog
from compagnons.skills import results, services
from compagnons.skills.models import Assessment, Certification, Positioning
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def level_data(competences, level=1, prefix=""):
    data = {}
    for c in competences:
        data[f"level_{c.pk}"] = str(level)
        data[f"comment_{c.pk}"] = prefix
    return data


def complete(positioning, member, level=1):
    competences = positioning.certification.competences.all()
    services.save_self_assessment(positioning, {c.pk: (level, "") for c in competences}, by=member)
    return services.submit_positioning(positioning, by=member)


def reviewed(member, formateur):
    positioning = services.start_positioning(member, by=member)
    complete(positioning, member)
    answers = {c.pk: (2, "") for c in positioning.certification.competences.all()}
    return services.review_positioning(positioning, answers, by=formateur, source="staff", summary="Bien.")


class TestGuidedSelfAssessment:
    def test_bloc_by_bloc_saved_and_resumed_then_sent(self, client, apprenti):
        client.force_login(apprenti)
        response = client.post(reverse("skills:positioning_start"))
        positioning = Positioning.objects.get(member=apprenti)
        assert response["Location"] == reverse("skills:positioning_step", args=[positioning.pk, 1])
        blocks = services.steps(positioning.certification)

        first = services.competences_of_step(positioning.certification, blocks[0])
        data = level_data(first, 2, "J'ai déjà fait un devis")
        data["later"] = "1"
        assert client.post(reverse("skills:positioning_step", args=[positioning.pk, 1]), data).status_code == 302

        # Resume: the answers are there.
        page = client.get(reverse("skills:positioning_step", args=[positioning.pk, 1])).content.decode()
        assert "J&#x27;ai déjà fait un devis" in page
        assert client.post(reverse("skills:positioning_start")).status_code == 302
        assert Positioning.objects.filter(member=apprenti).count() == 1

        for step, block in enumerate(blocks, start=1):
            competences = services.competences_of_step(positioning.certification, block)
            client.post(reverse("skills:positioning_step", args=[positioning.pk, step]), level_data(competences, 1))
        response = client.post(reverse("skills:positioning_summary", args=[positioning.pk]))

        positioning.refresh_from_db()
        assert positioning.status == Positioning.Status.SUBMITTED
        assert response["Location"] == reverse("skills:positioning_result", args=[positioning.pk])
        assert AuditLog.objects.filter(action="positioning.submitted").exists()

    def test_cannot_send_with_missing_answers(self, client, apprenti):
        positioning = services.start_positioning(apprenti, by=apprenti)
        with pytest.raises(InvalidTransition):
            services.submit_positioning(positioning, by=apprenti)
        client.force_login(apprenti)
        page = client.get(reverse("skills:positioning_summary", args=[positioning.pk])).content.decode()
        assert "sans réponse" in page

    def test_a_bad_level_rerenders_without_losing_the_rest(self, client, apprenti):
        positioning = services.start_positioning(apprenti, by=apprenti)
        first_step = services.steps(positioning.certification)[0]
        competences = list(services.competences_of_step(positioning.certification, first_step))
        data = level_data(competences, 1, "mon exemple")
        data[f"level_{competences[0].pk}"] = "9"
        client.force_login(apprenti)

        response = client.post(reverse("skills:positioning_step", args=[positioning.pk, 1]), data)

        assert response.status_code == 200
        assert "Sélectionnez un choix valide" in response.content.decode()
        assert "mon exemple" in response.content.decode()
        assert not Assessment.objects.exists()

    def test_a_sent_positioning_is_frozen(self, apprenti):
        positioning = services.start_positioning(apprenti, by=apprenti)
        complete(positioning, apprenti)
        with pytest.raises(InvalidTransition):
            services.save_self_assessment(positioning, {}, by=apprenti)

    def test_nobody_answers_for_someone_else(self, apprenti, outsider):
        positioning = services.start_positioning(apprenti, by=apprenti)
        competence = positioning.certification.competences.first()
        with pytest.raises(PermissionRefused):
            services.save_self_assessment(positioning, {competence.pk: (3, "")}, by=outsider)
        with pytest.raises(PermissionRefused):
            services.start_positioning(apprenti, by=outsider)

    def test_someone_elses_steps_are_404(self, client, apprenti, outsider):
        positioning = services.start_positioning(apprenti, by=apprenti)
        client.force_login(outsider)
        assert client.get(reverse("skills:positioning_step", args=[positioning.pk, 1])).status_code == 404
        assert client.post(reverse("skills:positioning_summary", args=[positioning.pk])).status_code == 404


class TestReview:
    def test_formateur_then_mentor_give_their_view_beside_the_members(self, client, apprenti, compagnon, formateur):
        positioning = services.start_positioning(apprenti, by=apprenti)
        complete(positioning, apprenti, level=3)
        competences = positioning.certification.competences.all()
        client.force_login(formateur)

        incomplete = level_data(list(competences)[1:], 1)
        assert client.post(reverse("skills:positioning_review", args=[positioning.pk]), incomplete).status_code == 200
        positioning.refresh_from_db()
        assert positioning.status == Positioning.Status.SUBMITTED

        data = level_data(competences, 1) | {"summary": "Priorité : le devis."}
        client.post(reverse("skills:positioning_review", args=[positioning.pk]), data)
        positioning.refresh_from_db()
        assert positioning.status == Positioning.Status.REVIEWED
        assert positioning.reviewed_by == formateur

        assign_mentor(apprenti, compagnon, by=formateur)
        client.force_login(compagnon)
        client.post(reverse("skills:positioning_review", args=[positioning.pk]), level_data(competences, 2))
        assert positioning.assessments.filter(source="mentor").count() == competences.count()

        levels = services.current_levels(apprenti, positioning.certification)
        assert {lv.level for lv in levels.values()} == {2}
        assert {lv.status for lv in levels.values()} == {"confirmed"}

    def test_a_draft_cannot_be_reviewed(self, apprenti, formateur):
        positioning = services.start_positioning(apprenti, by=apprenti)
        with pytest.raises(InvalidTransition):
            services.review_positioning(positioning, {}, by=formateur, source="staff")

    @pytest.mark.parametrize("who", ["compagnon", "client_user", "outsider"])
    def test_others_cannot_review(self, client, request, who, apprenti):
        positioning = services.start_positioning(apprenti, by=apprenti)
        complete(positioning, apprenti)
        client.force_login(request.getfixturevalue(who))

        data = level_data(positioning.certification.competences.all(), 3)
        assert client.post(reverse("skills:positioning_review", args=[positioning.pk]), data).status_code == 404
        assert not positioning.assessments.exclude(source="self").exists()

    def test_the_member_cannot_review_themself(self, client, apprenti):
        positioning = services.start_positioning(apprenti, by=apprenti)
        complete(positioning, apprenti)
        client.force_login(apprenti)
        assert client.get(reverse("skills:positioning_review", args=[positioning.pk])).status_code == 404


class TestResult:
    def test_result_shows_chart_table_gaps_and_goals(self, client, apprenti, formateur):
        positioning = reviewed(apprenti, formateur)
        weak = positioning.certification.competences.order_by("block__position", "position").first()
        Assessment.objects.filter(positioning=positioning, competence=weak, source="staff").update(level=1)
        client.force_login(apprenti)

        html = client.get(reverse("skills:positioning_result", args=[positioning.pk])).content.decode()

        assert "<svg" in html and 'role="img"' in html
        assert "<table>" in html
        assert "Premiers objectifs suggérés" in html
        assert weak.label.replace("'", "&#x27;") in html

    def test_goals_come_closest_first_and_are_at_most_five(self, apprenti, formateur):
        positioning = services.start_positioning(apprenti, by=apprenti)
        competences = list(positioning.certification.competences.order_by("block__position", "position"))
        answers = {c.pk: (0, "") for c in competences}
        answers[competences[-1].pk] = (1, "")
        services.save_self_assessment(positioning, answers, by=apprenti)

        result = results.positioning_result(positioning)

        assert len(result["goals"]) == results.GOAL_COUNT
        assert result["goals"][0]["competence"] == competences[-1]
        assert result["goals"][1]["competence"] == competences[0]
        assert len(result["gaps"]) == len(competences)

    def test_query_count_does_not_grow_with_data(self, client, apprenti, formateur, django_assert_max_num_queries):
        positioning = reviewed(apprenti, formateur)
        for _ in range(3):
            other = UserFactory(apprentice=True)
            reviewed(other, formateur)
        client.force_login(apprenti)

        with django_assert_max_num_queries(10):
            response = client.get(reverse("skills:positioning_result", args=[positioning.pk]))
        assert response.status_code == 200

    @pytest.mark.parametrize("who", ["compagnon", "client_user", "outsider"])
    def test_only_member_mentor_and_staff_see_it(self, client, request, who, apprenti, formateur):
        positioning = reviewed(apprenti, formateur)
        client.force_login(request.getfixturevalue(who))
        assert client.get(reverse("skills:positioning_result", args=[positioning.pk])).status_code == 404

    def test_the_mentor_and_staff_see_it(self, client, apprenti, compagnon, formateur):
        positioning = reviewed(apprenti, formateur)
        assign_mentor(apprenti, compagnon, by=formateur)
        for viewer in (compagnon, formateur):
            client.force_login(viewer)
            assert client.get(reverse("skills:positioning_result", args=[positioning.pk])).status_code == 200

    def test_visitors_go_to_login(self, client, apprenti, formateur):
        positioning = reviewed(apprenti, formateur)
        response = client.get(reverse("skills:positioning_result", args=[positioning.pk]))
        assert response.status_code == 302


class TestDashboards:
    def test_apprentice_dashboard_shows_the_chart(self, client, apprenti, formateur, django_assert_max_num_queries):
        reviewed(apprenti, formateur)
        client.force_login(apprenti)
        with django_assert_max_num_queries(40):  # 30, + the panels of coaching, community, learning, funding (constant)
            html = client.get(reverse("accounts:dashboard")).content.decode()
        assert "<svg" in html
        assert reverse("skills:positioning_result", args=[Positioning.objects.get().pk]) in html

    def test_mentor_dashboard_links_to_the_result(self, client, apprenti, compagnon, formateur):
        positioning = reviewed(apprenti, formateur)
        assign_mentor(apprenti, compagnon, by=formateur)
        client.force_login(compagnon)
        html = client.get(reverse("accounts:dashboard")).content.decode()
        assert reverse("skills:positioning_result", args=[positioning.pk]) in html
        assert apprenti.display_name in html

    def test_staff_dashboard_lists_what_waits_for_review(self, client, apprenti, formateur):
        positioning = services.start_positioning(apprenti, by=apprenti)
        complete(positioning, apprenti)
        client.force_login(formateur)
        html = client.get(reverse("accounts:dashboard")).content.decode()
        assert reverse("skills:positioning_review", args=[positioning.pk]) in html


def test_no_referentiel_in_force_gets_a_clear_message(client, apprenti):
    Certification.objects.update(status="archived")
    client.force_login(apprenti)
    response = client.post(reverse("skills:positioning_start"), follow=True)
    assert "Aucun référentiel n&#x27;est en vigueur" in response.content.decode()


def test_a_later_bilan_is_compared_with_the_previous_one(client, apprenti, formateur):
    first = reviewed(apprenti, formateur)
    second = services.start_positioning(apprenti, by=apprenti, moment=Positioning.Moment.EXIT)
    complete(second, apprenti, level=3)
    assert results.previous_positioning(second) == first
    assert results.previous_positioning(first) is None
    client.force_login(apprenti)

    html = client.get(reverse("skills:positioning_result", args=[second.pk])).content.decode()

    assert "Retenu au bilan précédent" in html
    assert "2,0" in html or "2.0" in html
