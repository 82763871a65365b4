"""Scheduling, invitations and reminders (never twice), personal links (expired, another person's, tampered),
answers by link and by phone."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from compagnons.apprenticeship import services as path_services
from compagnons.apprenticeship.models import Enrollment
from compagnons.core import tokens
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.models import AuditLog
from compagnons.outcomes import jobs, services
from compagnons.outcomes.models import Exit, FollowUp
from tests.factories import UserFactory
from tests.factories.apprenticeship import CohortFactory


@pytest.fixture
def leaver(formateur):
    """Someone who just completed the path today."""
    cohort = CohortFactory(name="Promotion courante", formateur=formateur, ended_on=timezone.localdate(), funding="cpf")
    member = UserFactory(apprentice=True, first_name="Inès", last_name="Sortante")
    enrollment = path_services.enroll(cohort, member, by=formateur)
    path_services.complete_path(enrollment, by=formateur)
    return member


def survey(member, wave=0) -> FollowUp:
    return FollowUp.objects.select_related("exit").get(exit__member=member, wave=wave)


def link_of(follow_up: FollowUp) -> str:
    return reverse(
        "outcomes:answer", args=[follow_up.pk, tokens.make("follow-up", follow_up.pk, follow_up.exit.member_id)]
    )


GOOD_ANSWER = {
    "situation": "independent",
    "in_target_trade": "True",
    "since": "",
    "income": "lt1000",
    "clients_count": "3",
    "missions_count": "5",
    "bank_share": "some",
    "comment": "Merci à mon compagnon.",
}


class TestScheduling:
    def test_an_ended_enrollment_gets_four_surveys_at_exit_6_12_24_months(self, leaver):
        jobs.run_follow_ups.call()
        exit_ = Exit.objects.get(member=leaver)
        assert exit_.kind == Exit.Kind.COMPLETED
        dues = dict(FollowUp.objects.filter(exit=exit_).values_list("wave", "due_on"))
        today = timezone.localdate()
        assert dues[0] == today
        assert set(dues) == {0, 6, 12, 24}
        assert dues[24] == FollowUp.due_date(today, 24)

    def test_due_dates_keep_the_day_or_take_the_months_last(self):
        assert FollowUp.due_date(date(2025, 8, 31), 6) == date(2026, 2, 28)
        assert FollowUp.due_date(date(2024, 3, 15), 24) == date(2026, 3, 15)
        assert FollowUp.due_date(date(2024, 12, 1), 12) == date(2025, 12, 1)

    def test_active_enrollments_have_no_survey(self, formateur):
        cohort = CohortFactory(name="P", formateur=formateur, funding="cpf")
        path_services.enroll(cohort, UserFactory(apprentice=True), by=formateur)
        assert services.sync_exits() == 0


class TestInvitationsAndReminders:
    def test_the_exit_survey_is_sent_once(self, leaver, mailoutbox):
        jobs.run_follow_ups.call()
        jobs.run_follow_ups.call()
        sent = [m for m in mailoutbox if leaver.email in m.to]
        assert len(sent) == 1
        follow_up = survey(leaver)
        assert f"/suivi/reponse/{follow_up.pk}/" in sent[0].body
        assert follow_up.sent_at is not None

    def test_two_reminders_at_most_each_once(self, leaver, mailoutbox, settings):
        jobs.run_follow_ups.call()
        follow_up = survey(leaver)
        now = timezone.now()
        later = now + timedelta(days=settings.OUTCOMES_REMINDER_DAYS)
        assert services.mark_reminders_due(now) == []  # too early
        assert services.mark_reminders_due(later) == [follow_up.pk]
        assert services.mark_reminders_due(later) == []  # the same reminder is never marked twice
        even_later = later + timedelta(days=settings.OUTCOMES_REMINDER_DAYS)
        assert services.mark_reminders_due(even_later) == [follow_up.pk]
        assert services.mark_reminders_due(even_later + timedelta(days=30)) == []  # two is the most
        follow_up.refresh_from_db()
        assert follow_up.reminders_sent == 2

    def test_reminder_mails_through_the_job_are_not_duplicated(self, leaver, mailoutbox, settings):
        jobs.run_follow_ups.call()
        FollowUp.objects.filter(exit__member=leaver).update(
            last_sent_at=timezone.now() - timedelta(days=settings.OUTCOMES_REMINDER_DAYS + 1)
        )
        mail.outbox.clear()
        jobs.run_follow_ups.call()
        jobs.run_follow_ups.call()
        assert [m.subject for m in mail.outbox] == ["[Compagnons] Que devenez-vous ? (rappel)"]

    def test_an_answered_survey_gets_no_reminder(self, leaver, settings):
        jobs.run_follow_ups.call()
        services.answer_by_link(survey(leaver), {"situation": "seeking"})
        later = timezone.now() + timedelta(days=settings.OUTCOMES_REMINDER_DAYS + 1)
        assert services.mark_reminders_due(later) == []

    def test_old_surveys_are_left_to_the_phone(self, leaver, settings):
        services.sync_exits()
        FollowUp.objects.filter(exit__member=leaver, wave=0).update(
            due_on=timezone.localdate() - timedelta(days=settings.OUTCOMES_SEND_WITHIN_DAYS + 1)
        )
        assert services.mark_invitations_due() == []


class TestPersonalLink:
    def test_the_link_opens_the_survey_without_login(self, client, leaver):
        services.sync_exits()
        response = client.get(link_of(survey(leaver)))
        assert response.status_code == 200
        assert "Quelle est votre situation aujourd" in response.content.decode()

    def test_an_answer_is_kept_with_its_date_and_audited(self, client, leaver):
        services.sync_exits()
        follow_up = survey(leaver)
        response = client.post(link_of(follow_up), GOOD_ANSWER)
        assert response.status_code == 302
        follow_up.refresh_from_db()
        assert follow_up.situation == "independent"
        assert follow_up.in_target_trade is True
        assert follow_up.channel == "link"
        assert follow_up.answered_at is not None
        assert AuditLog.objects.filter(action="outcomes.answered", target_id=str(follow_up.pk)).exists()
        again = client.post(link_of(follow_up), {**GOOD_ANSWER, "situation": "seeking"}, follow=True)
        assert "Merci pour votre réponse" in again.content.decode()
        follow_up.refresh_from_db()
        assert follow_up.situation == "independent"  # the first answer stands

    def test_bad_input_rerenders_with_a_french_message_and_keeps_what_was_typed(self, client, leaver):
        services.sync_exits()
        follow_up = survey(leaver)
        response = client.post(link_of(follow_up), {**GOOD_ANSWER, "in_target_trade": ""})
        body = response.content.decode()
        assert response.status_code == 200
        assert "Dites-nous si ce travail est dans le métier visé" in body
        assert "Merci à mon compagnon." in body
        follow_up.refresh_from_db()
        assert follow_up.answered_at is None

    def test_expired(self, client, leaver, settings, monkeypatch):
        import time

        services.sync_exits()
        url = link_of(survey(leaver))
        later = time.time() + (settings.OUTCOMES_LINK_DAYS + 1) * 86_400
        monkeypatch.setattr("django.core.signing.time.time", lambda: later)  # the link was made 61 days ago
        response = client.get(url)
        assert response.status_code == 410
        assert "Ce lien a expiré" in response.content.decode()

    def test_still_valid_the_day_before_it_expires(self, client, leaver, settings, monkeypatch):
        import time

        services.sync_exits()
        url = link_of(survey(leaver))
        later = time.time() + (settings.OUTCOMES_LINK_DAYS - 1) * 86_400
        monkeypatch.setattr("django.core.signing.time.time", lambda: later)
        assert client.get(url).status_code == 200

    def test_another_persons_token_is_refused(self, client, leaver, formateur):
        services.sync_exits()
        mine = survey(leaver)
        someone = UserFactory()
        # A token naming this survey but another person (as if forged for them) is refused…
        forged = tokens.make("follow-up", mine.pk, someone.pk)
        response = client.post(reverse("outcomes:answer", args=[mine.pk, forged]), GOOD_ANSWER)
        assert response.status_code == 403
        # …and so is this person's valid token pasted onto someone else's survey.
        second = UserFactory(apprentice=True)
        enrollment = path_services.enroll(Enrollment.objects.get(member=leaver).cohort, second, by=formateur)
        path_services.drop_out(enrollment, by=formateur, reason="Santé", cause="health")
        services.sync_exits()
        their_survey = survey(second)
        my_token = link_of(mine).rstrip("/").rsplit("/", 1)[1]
        response = client.post(reverse("outcomes:answer", args=[their_survey.pk, my_token]), GOOD_ANSWER)
        assert response.status_code == 403
        assert FollowUp.objects.answered().count() == 0

    def test_a_token_for_another_survey_is_refused(self, client, leaver):
        services.sync_exits()
        exit_survey, six_months = survey(leaver, 0), survey(leaver, 6)
        token = tokens.make("follow-up", six_months.pk, leaver.pk)
        response = client.post(reverse("outcomes:answer", args=[exit_survey.pk, token]), GOOD_ANSWER)
        assert response.status_code == 403
        assert "pas valable" in response.content.decode()

    def test_tampered(self, client, leaver):
        services.sync_exits()
        url = link_of(survey(leaver))
        tampered = url[:-3] + ("A" if url[-3] != "A" else "B") + url[-2:]
        assert client.get(tampered).status_code == 403

    def test_a_deactivated_persons_link_no_longer_works(self, client, leaver):
        services.sync_exits()
        url = link_of(survey(leaver))
        type(leaver).objects.filter(pk=leaver.pk).update(is_active=False)
        assert client.post(url, GOOD_ANSWER).status_code == 403
        assert FollowUp.objects.answered().count() == 0

    def test_a_survey_not_yet_due_cannot_be_answered(self, leaver):
        services.sync_exits()
        with pytest.raises(InvalidTransition):
            services.answer_by_link(survey(leaver, 6), {"situation": "seeking"})


class TestByPhone:
    def test_staff_record_an_answer_with_their_name(self, client, leaver, formateur):
        services.sync_exits()
        follow_up = survey(leaver)
        client.force_login(formateur)
        response = client.post(reverse("outcomes:record", args=[follow_up.pk]), GOOD_ANSWER)
        assert response.status_code == 302
        follow_up.refresh_from_db()
        assert (follow_up.channel, follow_up.recorded_by) == ("phone", formateur)
        assert AuditLog.objects.filter(action="outcomes.recorded_by_phone", actor=formateur).exists()

    def test_only_staff(self, client, leaver, compagnon):
        services.sync_exits()
        follow_up = survey(leaver)
        with pytest.raises(PermissionRefused):
            services.record_by_phone(follow_up, {"situation": "seeking"}, by=compagnon)
        client.force_login(compagnon)
        assert client.get(reverse("outcomes:record", args=[follow_up.pk])).status_code == 403
        assert client.post(reverse("outcomes:record", args=[follow_up.pk]), GOOD_ANSWER).status_code == 403

    def test_enrollment_status_reaches_the_exit(self, leaver):
        services.sync_exits()
        assert Enrollment.objects.get(member=leaver).exit.kind == Exit.Kind.COMPLETED


class TestNoEmailWanted:
    def test_no_survey_email_for_who_turned_them_off_but_the_space_shows_it(self, client, leaver, mailoutbox):
        type(leaver).objects.filter(pk=leaver.pk).update(notify_by_email=False)
        jobs.run_follow_ups.call()
        assert not [m for m in mailoutbox if leaver.email in m.to]
        assert survey(leaver).sent_at is None
        client.force_login(leaver)
        assert "/suivi/reponse/" in client.get(reverse("accounts:dashboard")).content.decode()
