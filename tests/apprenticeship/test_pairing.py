import pytest
from django.db import IntegrityError

from compagnons.accounts.models import Region
from compagnons.apprenticeship import pairing, services
from compagnons.apprenticeship.models import Mentorship, MentorshipRequest, PathProfile
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.skills import services as skills_services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def compagnon_with(**fields):
    return UserFactory(compagnon=True, **fields)


class TestSuggestions:
    def test_ranked_and_explained(self, apprenti, formateur, competences):
        apprenti.trade, apprenti.region, apprenti.languages = "Télésecrétariat", Region.BRETAGNE, "français, breton"
        apprenti.save()
        same_trade = compagnon_with(
            trade="télésecrétariat", region=Region.BRETAGNE, availability="part_time", languages="français, breton"
        )
        has_skills = compagnon_with(trade="Graphisme")
        skills_services.record_assessment(has_skills, competences[0], 3, source="staff", by=formateur)
        nobody = compagnon_with(trade="Traduction")

        suggestions = pairing.suggest_mentors(apprenti)

        assert [s.compagnon for s in suggestions] == [same_trade, has_skills, nobody]
        reasons = " ".join(suggestions[0].reasons)
        assert "même métier" in reasons and "même région" in reasons and "langue en commun" in reasons
        assert competences[0].code in " ".join(suggestions[1].reasons)

    def test_full_or_closed_compagnons_are_not_suggested(self, apprenti, formateur):
        full = compagnon_with()
        PathProfile.objects.create(member=full, mentor_capacity=1)
        services.assign_mentor(UserFactory(apprentice=True), full, by=formateur)
        closed = compagnon_with()
        PathProfile.objects.create(member=closed, accepting_apprentices=False)
        free = compagnon_with()

        assert [s.compagnon for s in pairing.suggest_mentors(apprenti)] == [free]

    def test_query_count_does_not_grow_with_compagnons(self, apprenti, django_assert_max_num_queries):
        for _ in range(15):
            compagnon_with()
        with django_assert_max_num_queries(6):
            pairing.suggest_mentors(apprenti)


class TestRequests:
    def test_ask_then_accept_starts_the_mentorship(self, apprenti, compagnon):
        request = services.request_mentor(apprenti, compagnon, by=apprenti, message="Bonjour !")
        services.answer_request(request, by=compagnon, accept=True)

        assert Mentorship.objects.active().get(apprentice=apprenti).mentor == compagnon

    def test_declining_needs_a_word(self, apprenti, compagnon):
        request = services.request_mentor(apprenti, compagnon, by=apprenti)
        with pytest.raises(InvalidTransition):
            services.answer_request(request, by=compagnon, accept=False)
        services.answer_request(request, by=compagnon, accept=False, answer="Complet jusqu'en juin, désolé.")
        request.refresh_from_db()
        assert request.status == MentorshipRequest.Status.DECLINED
        assert not Mentorship.objects.exists()

    def test_only_the_asked_compagnon_answers(self, apprenti, compagnon):
        request = services.request_mentor(apprenti, compagnon, by=apprenti)
        with pytest.raises(PermissionRefused):
            services.answer_request(request, by=compagnon_with(), accept=True)

    def test_one_pending_request_per_pair(self, apprenti, compagnon):
        services.request_mentor(apprenti, compagnon, by=apprenti)
        with pytest.raises(InvalidTransition):
            services.request_mentor(apprenti, compagnon, by=apprenti)

    def test_nobody_asks_for_someone_else_or_asks_a_non_compagnon(self, apprenti, compagnon, outsider):
        with pytest.raises(PermissionRefused):
            services.request_mentor(apprenti, compagnon, by=outsider)
        with pytest.raises(InvalidTransition):
            services.request_mentor(apprenti, outsider, by=apprenti)

    def test_a_full_compagnon_cannot_be_asked(self, apprenti, compagnon, formateur):
        for _ in range(2):
            services.assign_mentor(UserFactory(apprentice=True), compagnon, by=formateur)
        with pytest.raises(InvalidTransition):
            services.request_mentor(apprenti, compagnon, by=apprenti)


class TestMentorships:
    def test_changing_mentor_ends_the_previous_one_with_a_reason(self, apprenti, compagnon, formateur):
        first = services.assign_mentor(apprenti, compagnon, by=formateur)
        other = compagnon_with()
        second = services.assign_mentor(apprenti, other, by=formateur, reason="Métiers trop éloignés")

        first.refresh_from_db()
        assert first.ended_at is not None and first.end_reason == "Métiers trop éloignés"
        assert second.ended_at is None
        assert Mentorship.objects.filter(apprentice=apprenti).count() == 2

    def test_one_active_mentorship_per_apprentice_is_a_database_rule(self, apprenti, compagnon, formateur):
        services.assign_mentor(apprenti, compagnon, by=formateur)
        with pytest.raises(IntegrityError):
            Mentorship.objects.create(apprentice=apprenti, mentor=compagnon_with())

    def test_only_staff_assign_and_only_compagnons_mentor(self, apprenti, compagnon, outsider):
        with pytest.raises(PermissionRefused):
            services.assign_mentor(apprenti, compagnon, by=compagnon)
        staff = UserFactory(formateur=True)
        with pytest.raises(InvalidTransition):
            services.assign_mentor(apprenti, outsider, by=staff)
