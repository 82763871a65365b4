import pytest
from django.core.management import call_command
from django.test import override_settings

from compagnons.accounts import services as accounts
from compagnons.quality import figures, services
from compagnons.quality.models import Complaint, ImprovementAction, Survey
from tests.quality.conftest import make_survey

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_persons_answers_and_complaints(enrolled, apprenti):
    survey = make_survey(apprenti, enrolled)
    services.answer_survey(survey, {"satisfaction": 3, "improve": "Plus de visio."}, by=apprenti)
    complaint = services.file_complaint(by=apprenti, subject="Séance annulée", body="Deux fois.")
    visitor = services.file_complaint(by=None, subject="Autre", body="…", name="X", email=apprenti.email.upper())

    data = accounts.export_personal_data(apprenti, by=apprenti)["quality"]

    assert [(s["kind"], s["satisfaction"], s["improve"]) for s in data["surveys"]] == [
        ("path_hot", 3, "Plus de visio.")
    ]
    assert [c["number"] for c in data["complaints"]] == [complaint.number, visitor.number]


def test_erasure_keeps_the_figures_and_the_register_without_the_person(enrolled, apprenti):
    email = apprenti.email
    survey = make_survey(apprenti, enrolled)
    services.answer_survey(survey, {"satisfaction": 2, "liked": "Merci à Léa Martin"}, by=apprenti)
    mine = services.file_complaint(by=apprenti, subject="Pour Martin", body="Je suis Léa Martin, apprentie.")
    visitor = services.file_complaint(by=None, subject="Avant mon compte", body="…", name="Léa M.", email=email)

    accounts.erase_account(apprenti, by=apprenti)

    survey.refresh_from_db()
    assert (survey.satisfaction, survey.liked, survey.improve) == (2, "", "")
    mine.refresh_from_db()
    assert "Martin" not in mine.body and "Léa" not in mine.body and "Martin" not in mine.subject
    visitor.refresh_from_db()
    assert (visitor.name, visitor.email) == ("", f"reclamation-{visitor.pk}@invalid.invalid")
    assert Complaint.objects.count() == 2  # the register keeps its numbers


@override_settings(DEBUG=True)
def test_the_demo_seeds_answers_complaints_and_actions_once():
    call_command("seed_demo")
    counts = (Survey.objects.count(), Complaint.objects.count(), ImprovementAction.objects.count())
    call_command("seed_demo")

    assert (Survey.objects.count(), Complaint.objects.count(), ImprovementAction.objects.count()) == counts
    assert Survey.objects.answered().filter(cohort__name="Promotion 2023", kind="path_cold").exists()
    assert Survey.objects.answered().filter(audience="mentor").exists()
    assert Complaint.objects.overdue().count() == 1
    assert Complaint.objects.filter(status="closed").exclude(answer="").count() == 1
    assert ImprovementAction.objects.filter(cause="complaint", complaint__isnull=False).count() == 1
    assert ImprovementAction.objects.overdue().count() == 1
    assert set(figures.satisfaction_by_year()) >= {2023, 2024}
