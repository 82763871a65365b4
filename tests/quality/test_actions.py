from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.quality import services
from compagnons.quality.models import ImprovementAction
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _form(owner, **extra) -> dict:
    data = {
        "title": "Un guide d'accueil des clients",
        "cause": "complaint",
        "complaint_number": "",
        "cause_detail": "Deux clients perdus au démarrage.",
        "description": "Rédiger et envoyer un guide en une page.",
        "owner": owner.pk,
        "due_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "status": "planned",
        "effect": "",
        "measured_result": "",
    }
    data.update(extra)
    return data


def _complaint():
    return services.file_complaint(by=None, subject="Démarrage confus", body="…", name="A", email="a@exemple.test")


def _action(owner, days: int, status="planned", **extra) -> ImprovementAction:
    action = ImprovementAction(
        title=f"Action à {days} jours",
        cause="other",
        description="…",
        owner=owner,
        due_on=timezone.localdate() + timedelta(days=days),
        status=status,
        **extra,
    )
    return services.save_action(action, by=owner)


def test_an_action_caused_by_a_complaint_links_to_it(client, formateur):
    complaint = _complaint()
    client.force_login(formateur)

    response = client.post(reverse("quality:action_new"), _form(formateur, complaint_number=complaint.number.lower()))

    assert response.status_code == 302
    action = ImprovementAction.objects.get()
    assert (action.complaint, action.created_by, action.status) == (complaint, formateur, "planned")
    detail = client.get(reverse("quality:complaint", args=[complaint.pk]))
    assert action.title in detail.text.replace("&#x27;", "'")


def test_a_complaint_cause_needs_a_known_number_and_the_form_keeps_the_input(client, formateur):
    client.force_login(formateur)

    response = client.post(reverse("quality:action_new"), _form(formateur, complaint_number="R-1999-0001"))

    assert response.status_code == 200
    assert "Indiquez le numéro d" in response.text
    assert "Deux clients perdus au démarrage." in response.text
    assert not ImprovementAction.objects.exists()


def test_marking_done_records_the_date_and_the_effect(client, formateur):
    action = _action(formateur, 10)
    client.force_login(formateur)

    client.post(
        reverse("quality:action_edit", args=[action.pk]),
        _form(
            formateur,
            cause="satisfaction",
            status="done",
            effect="Moins de questions au démarrage.",
            measured_result="Satisfaction 11 sur 12",
        ),
    )

    action.refresh_from_db()
    assert action.status == "done" and action.done_at is not None
    assert (action.cause, action.measured_result, action.complaint) == ("satisfaction", "Satisfaction 11 sur 12", None)


def test_overdue_actions_are_flagged_and_filtered(client, formateur):
    late = _action(formateur, -2)
    soon = _action(formateur, 5)
    done_late = _action(formateur, -9, status="done")

    assert list(ImprovementAction.objects.overdue()) == [late]
    assert (late.is_overdue, soon.is_overdue, done_late.is_overdue) == (True, False, False)
    client.force_login(formateur)
    response = client.get(reverse("quality:actions"), {"overdue": "on"})
    assert late.title in response.text
    assert soon.title not in response.text and done_late.title not in response.text
    assert "En retard" in response.text


def test_the_service_refuses_non_staff_and_a_complaint_cause_without_complaint(formateur, compagnon):
    action = ImprovementAction(
        title="x", cause="complaint", description="…", owner=formateur, due_on=timezone.localdate()
    )
    with pytest.raises(PermissionRefused):
        services.save_action(action, by=compagnon)
    with pytest.raises(InvalidTransition):
        services.save_action(action, by=formateur)
    assert not ImprovementAction.objects.exists()


def test_action_pages_are_for_staff_only(client, formateur, outsider):
    action = _action(formateur, 3)
    urls = [
        reverse("quality:actions"),
        reverse("quality:action_new"),
        reverse("quality:action_edit", args=[action.pk]),
    ]
    for url in urls:
        assert reverse("account_login") in client.get(url)["Location"]
    client.force_login(outsider)
    for url in urls:
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("rows", [2, 12])
def test_the_action_list_runs_a_bounded_number_of_queries(client, formateur, rows, django_assert_max_num_queries):
    complaint = _complaint()
    other_owner = UserFactory(formateur=True)
    for i in range(rows):
        _action(formateur if i % 2 else other_owner, i - 3)
    services.save_action(
        ImprovementAction(
            title="Liée",
            cause="complaint",
            complaint=complaint,
            description="…",
            owner=formateur,
            due_on=timezone.localdate(),
        ),
        by=formateur,
    )
    client.force_login(formateur)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("quality:actions")).status_code == 200


def test_the_action_form_runs_a_bounded_number_of_queries(client, formateur, django_assert_max_num_queries):
    for _ in range(5):
        UserFactory(formateur=True)
    action = _action(formateur, 3)
    client.force_login(formateur)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("quality:action_edit", args=[action.pk])).status_code == 200
