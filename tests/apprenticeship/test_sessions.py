from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnons.apprenticeship import progress, services
from compagnons.apprenticeship.models import MentoringSession
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def log(mentorship, days_ago=1, minutes=60, **kwargs):
    return services.log_session(
        mentorship,
        by=mentorship.mentor,
        on=timezone.localdate() - timedelta(days=days_ago),
        duration_minutes=minutes,
        mode="visio",
        **kwargs,
    )


def test_logged_by_the_mentor_confirmed_by_the_apprentice_signed_by_both(mentorship, apprenti, competences):
    session = log(mentorship, competences=competences[:2], notes="Pitch", ip="10.0.0.1")
    assert session.status == MentoringSession.Status.PENDING
    assert progress.training_minutes(apprenti) == 0

    services.confirm_session(session, by=apprenti, ip="10.0.0.2")

    session.refresh_from_db()
    assert session.status == MentoringSession.Status.CONFIRMED
    assert (session.logged_ip, session.confirmed_ip) == ("10.0.0.1", "10.0.0.2")
    assert session.confirmed_at is not None
    assert progress.training_minutes(apprenti) == 60
    assert set(session.competences.all()) == set(competences[:2])


def test_at_most_one_session_per_pair_per_day(mentorship):
    log(mentorship, days_ago=3)
    with pytest.raises(InvalidTransition):
        log(mentorship, days_ago=3)
    assert MentoringSession.objects.count() == 1


def test_no_session_in_the_future(mentorship):
    with pytest.raises(InvalidTransition):
        log(mentorship, days_ago=-1)


@pytest.mark.parametrize("minutes", [0, 601])
def test_duration_is_bounded(mentorship, minutes):
    with pytest.raises(InvalidTransition):
        log(mentorship, minutes=minutes)


def test_only_the_mentor_logs_and_only_the_apprentice_confirms(mentorship, apprenti, compagnon, outsider):
    with pytest.raises(PermissionRefused):
        services.log_session(mentorship, by=apprenti, on=timezone.localdate(), duration_minutes=30, mode="phone")
    session = log(mentorship)
    for who in (compagnon, outsider):
        with pytest.raises(PermissionRefused):
            services.confirm_session(session, by=who)
    session.refresh_from_db()
    assert session.status == MentoringSession.Status.PENDING


def test_disputed_with_a_comment_and_not_counted(mentorship, apprenti):
    session = log(mentorship)
    with pytest.raises(InvalidTransition):
        services.dispute_session(session, by=apprenti, comment=" ")
    services.dispute_session(session, by=apprenti, comment="Nous n'avons parlé que 20 minutes.")
    session.refresh_from_db()
    assert session.status == MentoringSession.Status.DISPUTED
    assert progress.training_minutes(apprenti) == 0


def test_an_ended_mentorship_takes_no_more_sessions(mentorship, formateur):
    services.end_mentorship(mentorship, by=formateur, reason="Fin")
    with pytest.raises(InvalidTransition):
        log(mentorship)


class TestPages:
    def test_mentor_logs_through_the_form_and_apprentice_confirms(
        self, client, mentorship, apprenti, compagnon, competences
    ):
        client.force_login(compagnon)
        url = reverse("apprenticeship:session_new", args=[mentorship.pk])
        day = (timezone.localdate() - timedelta(days=2)).isoformat()
        data = {
            "date": day,
            "duration_minutes": "75",
            "mode": "phone",
            "competences": [competences[0].pk],
            "notes": "Bien",
        }
        assert client.post(url, data).status_code == 302
        again = client.post(url, data)
        assert "Une séance est déjà notée ce jour-là" in again.content.decode()
        assert "Bien</textarea>" in again.content.decode()

        session = MentoringSession.objects.get()
        client.force_login(apprenti)
        client.post(reverse("apprenticeship:session_confirm", args=[session.pk]))
        session.refresh_from_db()
        assert session.status == MentoringSession.Status.CONFIRMED

    def test_a_future_date_is_refused_with_a_message(self, client, mentorship, compagnon):
        client.force_login(compagnon)
        future = (timezone.localdate() + timedelta(days=3)).isoformat()
        response = client.post(
            reverse("apprenticeship:session_new", args=[mentorship.pk]),
            {"date": future, "duration_minutes": "60", "mode": "visio"},
        )
        assert response.status_code == 200
        assert "pas à l&#x27;avance" in response.content.decode()
        assert not MentoringSession.objects.exists()

    def test_others_see_nothing(self, client, mentorship, apprenti):
        session = log(mentorship)
        another_mentor = UserFactory(compagnon=True)
        for who in (another_mentor, UserFactory()):
            client.force_login(who)
            assert client.get(reverse("apprenticeship:session_new", args=[mentorship.pk])).status_code == 404
            assert client.post(reverse("apprenticeship:session_confirm", args=[session.pk])).status_code == 404
            assert client.get(reverse("apprenticeship:session_dispute", args=[session.pk])).status_code == 404
            assert apprenti.display_name not in client.get(reverse("apprenticeship:sessions")).content.decode()

    def test_sessions_page_has_bounded_queries(
        self, client, mentorship, apprenti, competences, django_assert_max_num_queries
    ):
        for days in range(1, 12):
            log(mentorship, days_ago=days, competences=competences[:3])
        client.force_login(apprenti)
        with django_assert_max_num_queries(10):
            response = client.get(reverse("apprenticeship:sessions"))
        assert response.status_code == 200
