import time
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnons.apprenticeship import services as path
from compagnons.apprenticeship.models import Enrollment
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.quality import figures, links, services
from compagnons.quality.jobs import send_satisfaction_surveys
from compagnons.quality.models import Survey
from tests.factories import UserFactory
from tests.quality.conftest import closed_mission, make_survey

pytestmark = pytest.mark.django_db

ANSWERS = {
    "satisfaction": "4",
    "expectations": "3",
    "support": "4",
    "recommend": "yes",
    "liked": "Les séances du mardi.",
    "improve": "",
}


def _link_path(survey: Survey) -> str:
    return reverse("quality:survey_link", args=[survey.pk, links.survey_token(survey)])


# --- The periodic job -----------------------------------------------------------------------


def test_an_ended_path_gets_one_hot_survey_for_the_apprentice_and_one_for_the_mentor(
    mentorship, enrolled, apprenti, compagnon, formateur, mailoutbox
):
    path.complete_path(enrolled, by=formateur)

    send_satisfaction_surveys.call()

    surveys = {(s.person_id, s.kind, s.audience) for s in Survey.objects.all()}
    assert surveys == {
        (apprenti.pk, Survey.Kind.PATH_HOT, Survey.Audience.APPRENTICE),
        (compagnon.pk, Survey.Kind.PATH_HOT, Survey.Audience.MENTOR),
    }
    assert Survey.objects.filter(cohort=enrolled.cohort, invited_at__isnull=False).count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([apprenti.email, compagnon.email])
    mine = Survey.objects.get(person=apprenti)
    assert _link_path(mine).split("/lien/")[0] in mailoutbox[[m.to[0] for m in mailoutbox].index(apprenti.email)].body


def test_running_the_job_twice_creates_and_sends_nothing_twice(mentorship, enrolled, formateur, mailoutbox):
    path.complete_path(enrolled, by=formateur)
    send_satisfaction_surveys.call()
    sent = len(mailoutbox)

    result = send_satisfaction_surveys.call()

    assert result == {"created": 0, "invited": 0, "reminded": 0}
    assert Survey.objects.count() == 2
    assert len(mailoutbox) == sent == 2


def test_the_apprenti_to_aspirant_step_gets_a_stage_survey(mentorship, enrolled, apprenti, compagnon, formateur):
    path.record_adoption_piece(apprenti, by=formateur, description="Un vrai devis pour un vrai client.")

    services.create_due_surveys()

    stage = Survey.objects.filter(kind=Survey.Kind.STAGE_HOT)
    assert {(s.person_id, s.audience) for s in stage} == {
        (apprenti.pk, Survey.Audience.APPRENTICE),
        (compagnon.pk, Survey.Audience.MENTOR),
    }
    assert all(s.transition_id is not None and s.enrollment_id == enrolled.pk for s in stage)


def test_the_cold_survey_comes_six_months_after_the_end_and_only_to_the_apprentice(
    mentorship, enrolled, apprenti, formateur
):
    path.complete_path(enrolled, by=formateur)
    Enrollment.objects.filter(pk=enrolled.pk).update(ended_at=timezone.now() - timedelta(days=190))

    services.create_due_surveys()

    # Too old for the hot survey (outside the look-back window), due for the cold one.
    assert list(Survey.objects.values_list("kind", "person_id")) == [(Survey.Kind.PATH_COLD, apprenti.pk)]


def test_a_path_ended_five_months_ago_has_no_cold_survey_yet(enrolled, formateur):
    path.complete_path(enrolled, by=formateur)
    Enrollment.objects.filter(pk=enrolled.pk).update(ended_at=timezone.now() - timedelta(days=150))

    services.create_due_surveys()

    assert not Survey.objects.exists()


def test_a_closed_mission_gets_a_survey_for_its_client(client_user):
    mission = closed_mission(client_user)

    services.create_due_surveys()
    services.create_due_surveys()

    survey = Survey.objects.get()
    assert (survey.kind, survey.audience, survey.person, survey.mission) == (
        Survey.Kind.MISSION,
        Survey.Audience.CLIENT,
        client_user,
        mission,
    )


def test_reminders_are_two_at_most_spaced_and_never_duplicated(enrolled, apprenti, mailoutbox):
    survey = make_survey(apprenti, enrolled)
    start = timezone.now()
    assert services.flag_invitations_due(start) == [survey.pk]
    assert services.flag_invitations_due(start) == []  # already marked

    # Not yet a week: no reminder.
    assert services.flag_reminders_due(start + timedelta(days=6)) == []
    # A week later: reminder 1, once even if two workers ask at the same moment.
    week = start + timedelta(days=7, minutes=1)
    assert services.flag_reminders_due(week) == [survey.pk]
    assert services.flag_reminders_due(week) == []
    # Another week: reminder 2; a third never comes.
    assert services.flag_reminders_due(week + timedelta(days=7, minutes=1)) == [survey.pk]
    assert services.flag_reminders_due(week + timedelta(days=30)) == []
    survey.refresh_from_db()
    assert survey.reminders_sent == 2


def test_the_job_sends_one_reminder_per_due_date_even_when_run_twice(enrolled, apprenti, mailoutbox):
    survey = make_survey(apprenti, enrolled, invited_at=timezone.now() - timedelta(days=8))

    send_satisfaction_surveys.call()
    send_satisfaction_surveys.call()

    survey.refresh_from_db()
    assert survey.reminders_sent == 1
    assert len(mailoutbox) == 1
    assert "Rappel" in mailoutbox[0].subject


def test_no_reminder_once_answered(enrolled, apprenti):
    survey = make_survey(apprenti, enrolled, invited_at=timezone.now() - timedelta(days=8))
    services.answer_survey(survey, {"satisfaction": 3}, by=apprenti)

    assert services.flag_reminders_due() == []


def test_an_erased_or_inactive_person_gets_no_survey(enrolled, apprenti, formateur):
    path.complete_path(enrolled, by=formateur)
    apprenti.is_active = False
    apprenti.save(update_fields=["is_active"])

    services.create_due_surveys()

    assert not Survey.objects.filter(person=apprenti).exists()


# --- Answering through the personal link ---------------------------------------------------------


def test_the_personal_link_works_without_logging_in(client, enrolled, apprenti):
    survey = make_survey(apprenti, enrolled)
    response = client.get(_link_path(survey))
    assert response.status_code == 200
    assert "êtes-vous satisfait·e ?" in response.text

    response = client.post(_link_path(survey), ANSWERS)

    assert "Merci pour vos réponses" in response.text
    survey.refresh_from_db()
    assert (survey.satisfaction, survey.expectations, survey.recommend) == (4, 3, "yes")
    assert survey.liked == "Les séances du mardi."
    assert survey.answered_at is not None


def test_an_incomplete_answer_is_shown_again_with_what_was_typed(client, enrolled, apprenti):
    survey = make_survey(apprenti, enrolled)

    response = client.post(_link_path(survey), {**ANSWERS, "satisfaction": "", "liked": "Mon commentaire"})

    assert response.status_code == 200
    assert "Mon commentaire" in response.text
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_one_answer_only(client, enrolled, apprenti):
    survey = make_survey(apprenti, enrolled)
    client.post(_link_path(survey), ANSWERS)

    response = client.post(_link_path(survey), {**ANSWERS, "satisfaction": "1"})

    assert "déjà répondu" in response.text
    survey.refresh_from_db()
    assert survey.satisfaction == 4


def test_an_expired_link_is_refused(client, enrolled, apprenti):
    survey = make_survey(apprenti, enrolled)
    url = _link_path(survey)
    later = time.time() + links.link_max_age().total_seconds() + 60

    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.post(url, ANSWERS)

    assert response.status_code == 410  # Gone: the same answer as the follow-up surveys
    assert "expiré" in response.text
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_a_link_made_for_another_persons_survey_is_refused(client, enrolled, apprenti, outsider):
    mine = make_survey(apprenti, enrolled)
    theirs = make_survey(outsider, enrolled, kind=Survey.Kind.PATH_COLD)
    # My token on their survey's address.
    url = reverse("quality:survey_link", args=[theirs.pk, links.survey_token(mine)])

    response = client.post(url, ANSWERS)

    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.answered_at is None


def test_a_tampered_link_is_refused(client, enrolled, apprenti):
    survey = make_survey(apprenti, enrolled)
    token = links.survey_token(survey)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")

    response = client.get(reverse("quality:survey_link", args=[survey.pk, tampered]))

    assert response.status_code == 403
    assert "pas valable" in response.text


def test_a_closed_survey_takes_no_answer(client, enrolled, apprenti):
    survey = make_survey(apprenti, enrolled, closes_at=timezone.now() - timedelta(minutes=1))

    response = client.post(_link_path(survey), ANSWERS)

    assert "clos" in response.text
    survey.refresh_from_db()
    assert survey.answered_at is None


# --- Logged in: the survey page and the dashboard panel -----------------------------------------


def test_the_logged_in_person_answers_from_their_space(client, enrolled, apprenti):
    survey = make_survey(apprenti, enrolled)
    client.force_login(apprenti)

    dashboard = client.get(reverse("accounts:dashboard"))
    assert reverse("quality:survey", args=[survey.pk]) in dashboard.text

    client.post(reverse("quality:survey", args=[survey.pk]), ANSWERS)
    survey.refresh_from_db()
    assert survey.answered_at is not None
    assert reverse("quality:survey", args=[survey.pk]) not in client.get(reverse("accounts:dashboard")).text


def test_someone_elses_survey_is_not_found_and_anonymous_goes_to_login(client, enrolled, apprenti, outsider):
    survey = make_survey(apprenti, enrolled)
    url = reverse("quality:survey", args=[survey.pk])

    response = client.get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]

    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, ANSWERS).status_code == 404


def test_the_service_refuses_another_person(enrolled, apprenti, outsider):
    survey = make_survey(apprenti, enrolled)
    with pytest.raises(PermissionRefused):
        services.answer_survey(survey, {"satisfaction": 4}, by=outsider)
    with pytest.raises(InvalidTransition):
        services.answer_survey(survey, {"satisfaction": 9}, by=apprenti)
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_the_survey_page_runs_few_queries(client, enrolled, apprenti, django_assert_max_num_queries):
    survey = make_survey(apprenti, enrolled)
    with django_assert_max_num_queries(6):
        client.get(_link_path(survey))


# --- Figures --------------------------------------------------------------------------------------


def _answered(person, enrollment, score, **extra):
    survey = make_survey(person, enrollment, **extra)
    services.answer_survey(survey, {"satisfaction": score}, by=person)
    return survey


def test_results_per_cohort_count_respondents_satisfied_and_mean(enrolled, apprenti, cohort, formateur):
    others = [UserFactory(apprentice=True) for _ in range(3)]
    enrollments = [path.enroll(cohort, member, by=formateur) for member in others]
    _answered(apprenti, enrolled, 4)
    _answered(others[0], enrollments[0], 3)
    _answered(others[1], enrollments[1], 1)
    make_survey(others[2], enrollments[2])  # not answered: in the base, not among respondents

    context = figures.dashboard_context([cohort.pk])["quality"]

    [(found, rows)] = context["cohorts"]
    assert found == cohort
    [row] = rows
    assert (row["surveyed"], row["respondents"], row["satisfied"], row["share"]) == (4, 3, 2, 67)
    assert row["mean"] == pytest.approx(8 / 3)


def test_satisfaction_by_year_uses_the_end_of_path_hot_survey_of_apprentices(enrolled, apprenti, cohort, formateur):
    other = UserFactory(apprentice=True)
    other_enrollment = path.enroll(cohort, other, by=formateur)
    last_year = timezone.now().replace(month=6, day=15) - timedelta(days=365)
    _answered(apprenti, enrolled, 3, event_at=last_year)
    _answered(other, other_enrollment, 2)
    _answered(other, other_enrollment, 4, kind=Survey.Kind.PATH_COLD)  # cold: not counted
    mentor = UserFactory(compagnon=True)
    _answered(mentor, enrolled, 4, audience=Survey.Audience.MENTOR)  # a mentor: not counted

    assert figures.satisfaction_by_year() == {last_year.year: (1, 1), timezone.now().year: (0, 1)}


def test_the_dashboard_section_runs_a_bounded_number_of_queries(
    enrolled, apprenti, cohort, formateur, django_assert_max_num_queries
):
    from django.template.loader import render_to_string

    from compagnons.quality.models import ImprovementAction

    for i in range(12):
        ImprovementAction.objects.create(
            title=f"Action {i}",
            cause="other",
            description="…",
            owner=formateur,
            due_on=timezone.localdate() - timedelta(days=i - 3),
            created_by=formateur,
        )
    _answered(apprenti, enrolled, 4)
    with django_assert_max_num_queries(5):
        html = render_to_string("quality/dashboard_section.html", figures.dashboard_context([cohort.pk]))
    assert "Promotion qualité" in html
    assert "En retard" in html


def test_the_client_survey_asks_about_the_mission_and_the_platform_not_a_person(client, client_user):
    """No rating of a person, not even 1 to 4 (no stars): the third question is about the mission and the platform."""
    closed_mission(client_user)
    services.create_due_surveys()
    survey = Survey.objects.get()
    client.force_login(client_user)
    html = client.get(reverse("quality:survey", args=[survey.pk])).content.decode()
    assert "déroulement de la mission et de l&#x27;aide de la plateforme" in html or (
        "déroulement de la mission et de l'aide de la plateforme" in html
    )
    assert "membre" not in html.split("<main", 1)[1].split("</main>", 1)[0].lower()
    assert 'name="liked"' in html and 'name="improve"' in html  # free text stays
