from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.models import AuditLog
from compagnons.quality import figures, services
from compagnons.quality.models import Complaint, ComplaintCounter
from compagnons.quality.notifications import send_complaint_acknowledgement
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db

VISITOR = {
    "kind": "complaint",
    "topic": "mission",
    "subject": "Mission non livrée",
    "body": "Le livrable promis pour le 3 n'est jamais arrivé.",
    "name": "Agnès Visiteuse",
    "email": "agnes@exemple.test",
}


def _file(n: int = 1, **extra) -> list[Complaint]:
    return [
        services.file_complaint(
            by=None,
            subject=f"Sujet {i}",
            body="Ce qui s'est passé.",
            name="Agnès",
            email="agnes@exemple.test",
            ip=f"10.0.0.{i}",
            **extra,
        )
        for i in range(n)
    ]


# --- Numbering and acknowledgement -------------------------------------------------------------


def test_complaints_are_numbered_in_sequence_per_year(django_capture_on_commit_callbacks):
    year = timezone.localdate().year
    ComplaintCounter.objects.create(year=year, last=6)

    first, second = _file(2)

    assert (first.number, second.number) == (f"R-{year}-0007", f"R-{year}-0008")
    assert ComplaintCounter.objects.get(year=year).last == 8
    assert first.due_on == timezone.localdate() + services.complaint_delay()


def test_a_new_year_starts_again_at_one():
    year = timezone.localdate().year
    ComplaintCounter.objects.create(year=year - 1, last=41)

    [complaint] = _file(1)

    assert complaint.number == f"R-{year}-0001"


def test_a_visitor_files_a_complaint_and_gets_an_acknowledgement(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("quality:complaint_new"), VISITOR)

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.filer, complaint.name, complaint.email) == (None, "Agnès Visiteuse", "agnes@exemple.test")
    assert complaint.status == Complaint.Status.RECEIVED
    assert complaint.acknowledged_at is not None
    [mail] = mailoutbox
    assert mail.to == ["agnes@exemple.test"]
    assert complaint.number in mail.subject and complaint.number in mail.body
    assert complaint.due_on.strftime("%Y") in mail.body
    assert AuditLog.objects.filter(action="quality.complaint_filed").exists()


def test_the_acknowledgement_is_never_sent_twice(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [complaint] = _file(1)

    assert send_complaint_acknowledgement.call(complaint.pk) is False
    assert len(mailoutbox) == 1


def test_a_visitor_must_give_a_name_and_an_address(client):
    response = client.post(reverse("quality:complaint_new"), {**VISITOR, "name": "", "email": ""})

    assert response.status_code == 200
    assert "Mission non livrée" in response.text  # what was typed is kept
    assert not Complaint.objects.exists()


def test_a_member_files_without_giving_their_address_and_sees_it_in_their_space(
    client, apprenti, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(apprenti)
    form = client.get(reverse("quality:complaint_new"))
    assert 'name="email"' not in form.text

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("quality:complaint_new"), {k: v for k, v in VISITOR.items() if k not in ("name", "email")})

    complaint = Complaint.objects.get()
    assert (complaint.filer, complaint.email) == (apprenti, "")
    assert mailoutbox[0].to == [apprenti.email]
    mine = client.get(reverse("quality:my_complaints"))
    assert complaint.number in mine.text


def test_the_honeypot_turns_bots_away(client):
    response = client.post(reverse("quality:complaint_new"), {**VISITOR, "website": "http://spam.example"})

    assert response.status_code == 200
    assert not Complaint.objects.exists()


def test_the_public_form_is_rate_limited_per_address(client):
    limit = services.complaints_per_ip_per_hour()
    for _ in range(limit):
        client.post(reverse("quality:complaint_new"), VISITOR)

    response = client.post(reverse("quality:complaint_new"), VISITOR)

    assert response.status_code == 200
    assert "Trop de messages" in response.text
    assert Complaint.objects.count() == limit


def test_my_complaints_needs_an_account_and_shows_only_mine(client, apprenti, outsider):
    response = client.get(reverse("quality:my_complaints"))
    assert response.status_code == 302
    [theirs] = _file(1)
    client.force_login(outsider)
    assert theirs.number not in client.get(reverse("quality:my_complaints")).text


# --- The register ----------------------------------------------------------------------------


def test_overdue_complaints_are_flagged_counted_and_filtered(client, formateur):
    late, on_time, answered_late = _file(3)
    Complaint.objects.filter(pk__in=[late.pk, answered_late.pk]).update(due_on=timezone.localdate() - timedelta(days=1))
    services.answer_complaint(answered_late, "Voici notre réponse.", by=formateur)

    assert list(Complaint.objects.overdue()) == [late]
    assert figures.complaint_counts() == {"open": 2, "overdue": 1}
    client.force_login(formateur)
    response = client.get(reverse("quality:complaints"), {"overdue": "on"})
    assert late.number in response.text
    assert on_time.number not in response.text and answered_late.number not in response.text
    assert "En retard" in response.text


def test_the_register_filters_by_status(client, formateur):
    received, answered = _file(2)
    services.answer_complaint(answered, "Réponse.", by=formateur)
    client.force_login(formateur)

    response = client.get(reverse("quality:complaints"), {"status": "answered"})

    assert answered.number in response.text
    assert received.number not in response.text


def _url(name: str, complaint: Complaint) -> str:
    return reverse(f"quality:{name}", args=[complaint.pk])


def test_staff_assign_answer_and_close(client, formateur, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [complaint] = _file(1)
    client.force_login(formateur)

    response = client.post(_url("complaint_assign", complaint), {"owner": formateur.pk})
    assert response.status_code == 302 and response["Location"] == _url("complaint", complaint)
    complaint.refresh_from_db()
    assert (complaint.owner, complaint.status) == (formateur, Complaint.Status.IN_PROGRESS)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("complaint_answer", complaint), {"answer": "Nous avons relancé le membre."})
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ANSWERED
    assert complaint.answer == "Nous avons relancé le membre."
    assert mailoutbox[-1].to == ["agnes@exemple.test"]
    assert "Nous avons relancé le membre." in mailoutbox[-1].body

    client.post(_url("complaint_close", complaint), {})
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED
    assert set(AuditLog.objects.filter(action__startswith="quality.complaint").values_list("action", flat=True)) == {
        "quality.complaint_filed",
        "quality.complaint_assigned",
        "quality.complaint_answered",
        "quality.complaint_closed",
    }


def test_the_detail_page_posts_each_action_to_its_own_address(client, formateur):
    [complaint] = _file(1)
    client.force_login(formateur)
    page = client.get(_url("complaint", complaint)).text
    assert f'action="{_url("complaint_assign", complaint)}"' in page
    assert f'action="{_url("complaint_answer", complaint)}"' in page
    assert client.post(_url("complaint", complaint), {"close": "1"}).status_code == 405


@pytest.mark.parametrize("name", ["complaint_assign", "complaint_answer", "complaint_close"])
def test_each_complaint_action_is_refused_outside_the_team(client, outsider, compagnon, formateur, name):
    [complaint] = _file(1)
    services.assign_complaint(complaint, formateur, by=formateur)
    services.answer_complaint(complaint, "Réponse.", by=formateur)  # so that closing would be allowed
    before = Complaint.objects.filter(pk=complaint.pk).values().get()
    data = {"owner": formateur.pk, "answer": "Autre réponse."}

    assert client.post(_url(name, complaint), data).status_code == 302  # to the login page
    for who in (outsider, compagnon):
        client.force_login(who)
        assert client.post(_url(name, complaint), data).status_code == 403
        assert client.get(_url(name, complaint)).status_code == 405
    assert Complaint.objects.filter(pk=complaint.pk).values().get() == before


def test_assign_with_someone_outside_the_team_re_renders_with_a_message(client, formateur, compagnon):
    [complaint] = _file(1)
    client.force_login(formateur)

    response = client.post(_url("complaint_assign", complaint), {"owner": compagnon.pk})

    assert response.status_code == 200
    assert "Choisissez un membre de l&#x27;équipe." in response.text
    assert response.context["assign_form"].errors["owner"]
    complaint.refresh_from_db()
    assert (complaint.owner, complaint.status) == (None, Complaint.Status.RECEIVED)


def test_an_invalid_answer_re_renders_with_the_text_kept(client, formateur, mailoutbox):
    [complaint] = _file(1)
    client.force_login(formateur)
    too_long = "Nous avons relancé le membre. " * 300  # over the 8,000 characters the form takes

    response = client.post(_url("complaint_answer", complaint), {"answer": too_long})

    assert response.status_code == 200
    assert "La réponse n&#x27;est pas partie : corrigez-la ci-dessous." in response.text
    assert "Nous avons relancé le membre." in response.text  # what was typed is still there
    assert client.post(_url("complaint_answer", complaint), {"answer": "   "}).status_code == 200
    complaint.refresh_from_db()
    assert (complaint.status, complaint.answer) == (Complaint.Status.RECEIVED, "")
    assert not [m for m in mailoutbox if "Réponse à votre demande" in m.subject]


def test_closing_an_unanswered_complaint_is_refused_with_a_message(client, formateur):
    [complaint] = _file(1)
    client.force_login(formateur)

    response = client.post(_url("complaint_close", complaint), {}, follow=True)

    assert response.redirect_chain == [(_url("complaint", complaint), 302)]
    assert "Seule une réclamation répondue peut être close." in response.text
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.RECEIVED


def test_answering_twice_is_refused_with_a_message(client, formateur):
    [complaint] = _file(1)
    services.answer_complaint(complaint, "Première réponse.", by=formateur)
    client.force_login(formateur)

    response = client.post(_url("complaint_answer", complaint), {"answer": "Seconde."}, follow=True)

    assert "Cette réclamation a déjà reçu sa réponse." in response.text
    complaint.refresh_from_db()
    assert complaint.answer == "Première réponse."


def test_services_refuse_non_staff_and_bad_transitions(formateur, outsider, compagnon):
    [complaint] = _file(1)
    with pytest.raises(PermissionRefused):
        services.answer_complaint(complaint, "Réponse", by=outsider)
    with pytest.raises(InvalidTransition):
        services.assign_complaint(complaint, compagnon, by=formateur)  # not in the team
    with pytest.raises(InvalidTransition):
        services.close_complaint(complaint, by=formateur)  # not answered yet
    with pytest.raises(InvalidTransition):
        services.answer_complaint(complaint, "   ", by=formateur)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.answer, complaint.owner) == (Complaint.Status.RECEIVED, "", None)


def test_register_pages_are_for_staff_only(client, outsider, apprenti):
    [complaint] = _file(1)
    urls = [reverse("quality:complaints"), reverse("quality:complaint", args=[complaint.pk])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    for who in (outsider, apprenti):
        client.force_login(who)
        for url in urls:
            assert client.get(url).status_code == 403
    assert client.post(_url("complaint_close", complaint)).status_code == 403


@pytest.mark.parametrize("rows", [3, 15])
def test_the_register_runs_a_bounded_number_of_queries(client, formateur, rows, django_assert_max_num_queries):
    complaints = _file(rows)
    for complaint in complaints[::2]:
        services.assign_complaint(complaint, formateur, by=formateur)
    client.force_login(formateur)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("quality:complaints"))
    assert response.status_code == 200


def test_the_detail_page_runs_a_bounded_number_of_queries(client, formateur, django_assert_max_num_queries):
    [complaint] = _file(1)
    client.force_login(formateur)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("quality:complaint", args=[complaint.pk]))
    assert complaint.subject in response.text


def test_the_public_form_runs_few_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert client.get(reverse("quality:complaint_new")).status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="simultaneous writers need a server database")
def test_twenty_simultaneous_complaints_from_one_address_pass_only_up_to_the_limit(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache_entries"}
    }  # the cache of a deployment without Redis: its incr is a get then a set
    call_command("createcachetable")

    results, errors = at_once(
        lambda: services.file_complaint(
            by=None, subject="Sujet", body="Ce qui s'est passé.", name="A", email="a@exemple.test", ip="10.0.0.9"
        )
    )

    assert Complaint.objects.count() == services.complaints_per_ip_per_hour() == len(results), errors
    assert all(isinstance(error, InvalidTransition) for error in errors), errors
