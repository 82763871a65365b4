"""The mission bank, in the browser: a client posts a mission under the floor (refused, the minimum shown) and fixes
it; staff publish it; a compagnon sees it recommended with its reasons and applies as a binôme with their apprentice;
the client chooses; delivery, acceptance, testimonials both ways, the attestation on the member's record. Also: the
public list and the mission form on a small phone."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from compagnons.apprenticeship.services import assign_mentor
from compagnons.missions import models as bank
from compagnons.missions.models import Application, Attestation, Delivery, Mission, WorkerProfile
from compagnons.skills.models import Assessment, Level
from compagnons.skills.services import record_assessment
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_positioning import SMALL_PHONE, assert_fits, competences_by_code, small_referentiel  # noqa: F401
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Tenir l'agenda d'un cabinet de kinés"
MISSION_URL = re.compile(r"/missions/(\d+)/$")


@pytest.fixture
def people(charter, small_referentiel):  # noqa: F811
    """A client, a formateur, a declared compagnon known (by staff) to master C1.1, and their apprentice."""
    client = UserFactory(client=True, first_name="Sophie", last_name="Bernard")
    formateur = UserFactory(formateur=True, first_name="Claire", last_name="Moreau")
    compagnon = UserFactory(compagnon=True, first_name="Bernard", last_name="Lefèvre")
    apprentice = UserFactory(apprentice=True, first_name="Amina", last_name="Diallo")
    WorkerProfile.objects.create(member=compagnon, legal_status="micro", siret="73282932000074")
    assign_mentor(apprentice, compagnon, by=formateur)
    competence = competences_by_code(small_referentiel)["C1.1"]
    record_assessment(compagnon, competence, Level.ACQUIRED, source="staff", by=formateur)
    return {
        "client": client,
        "formateur": formateur,
        "compagnon": compagnon,
        "apprentice": apprentice,
        "competence": competence,
    }


def fill_mission_form(page, competence, *, budget: str) -> None:
    today = timezone.localdate()
    page.get_by_label("Titre").fill(TITLE)
    page.get_by_label("Contexte").fill("Un cabinet de trois kinés, à Lyon, débordé par les rendez-vous.")
    page.get_by_label("Livrables").fill("Un agenda à jour chaque soir, et un point hebdomadaire.")
    page.get_by_role("checkbox", name=re.compile(rf"^{re.escape(competence.code)} —")).check()
    page.get_by_label("Début souhaité").fill((today + timedelta(days=3)).isoformat())
    page.get_by_label("Date limite de livraison").fill((today + timedelta(days=30)).isoformat())
    page.get_by_role("radio", name="Forfait", exact=True).check()
    page.get_by_label("Budget total (€)").fill(budget)
    page.get_by_label("Effort estimé (heures)").fill("20")


def test_mission_journey_from_posting_to_attested_record(open_browser, people):
    client, formateur = people["client"], people["formateur"]
    compagnon, apprentice, competence = people["compagnon"], people["apprentice"], people["competence"]

    # The client posts under the floor: refused, the minimum shown, what was typed kept.
    client_session = open_browser()
    client_session.log_in(client)
    page = client_session.page
    page.goto("/missions/proposer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposer une mission")
    assert_accessible(page)
    fill_mission_form(page, competence, budget="100")
    page.get_by_role("button", name="Envoyer à l'équipe").click()
    expect(page.get_by_role("alert")).to_contain_text("500 €")
    expect(page.get_by_role("alert")).to_contain_text("Pour 20 heures, le budget minimum est de 500 €")
    expect(page.get_by_label("Titre")).to_have_value(TITLE)
    assert_accessible(page)
    assert not Mission.objects.exists()

    page.get_by_label("Budget total (€)").fill("500")
    page.get_by_role("button", name="Envoyer à l'équipe").click()
    expect(page).to_have_url(re.compile(r"/missions/mes-missions/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes missions")
    expect(page.get_by_text("Mission envoyée à l'équipe")).to_be_visible()
    assert_accessible(page)
    mission = Mission.objects.get()
    assert (mission.client, mission.title, mission.status) == (client, TITLE, Mission.Status.SUBMITTED)
    assert (mission.pricing, mission.budget_cents, mission.estimated_hours) == (Mission.Pricing.FIXED, 50_000, 20)
    assert list(mission.competences.all()) == [competence]

    # Staff qualify and publish it.
    staff_session = open_browser()
    staff_session.log_in(formateur)
    staff_page = staff_session.page
    staff_page.goto("/equipe/missions/")
    assert_accessible(staff_page)
    staff_page.get_by_role("link", name=TITLE).click()
    expect(staff_page).to_have_url(re.compile(rf"/equipe/missions/{mission.pk}/qualifier/$"))
    assert_accessible(staff_page)
    for label in (
        "Les livrables sont clairs",
        "Le budget est juste pour l'effort",
        "Les compétences attendues sont indiquées",
        re.compile(r"^Aucune clause abusive"),
    ):
        staff_page.get_by_label(label).check()
    staff_page.get_by_role("button", name="Publier").click()
    expect(staff_page).to_have_url(re.compile(r"/equipe/missions/$"))
    expect(staff_page.get_by_text("Mission publiée.")).to_be_visible()
    assert_accessible(staff_page)
    mission.refresh_from_db()
    assert (mission.status, mission.qualified_by) == (Mission.Status.PUBLISHED, formateur)

    # The compagnon sees it recommended, with why, and applies as a binôme.
    worker_session = open_browser()
    worker_session.log_in(compagnon)
    worker = worker_session.page
    worker.goto("/missions/recommandees/")
    recommended = worker.get_by_role("article").filter(has=worker.get_by_role("link", name=TITLE))
    expect(recommended.get_by_role("listitem").first).to_have_text(f"{competence.code} — validée par un formateur")
    assert_accessible(worker)
    recommended.get_by_role("link", name=TITLE).click()
    expect(worker).to_have_url(re.compile(rf"/missions/{mission.pk}/$"))
    assert_accessible(worker)
    worker.get_by_label("Votre message").fill("Disponible dès lundi, avec Amina qui apprend le métier.")
    worker.get_by_label(f"En binôme avec {apprentice.display_name}").check()
    worker.get_by_role("button", name="Envoyer ma candidature").click()
    expect(worker).to_have_url(re.compile(r"/missions/candidatures/\d+/$"))
    expect(worker.get_by_text("Candidature envoyée.")).to_be_visible()
    assert_accessible(worker)
    application = Application.objects.get()
    assert (application.mission, application.applicant, application.partner, application.status) == (
        mission,
        compagnon,
        apprentice,
        Application.Status.SENT,
    )

    # The client reads the application (facts, no stars) and chooses it.
    page.goto(f"/missions/{mission.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Les candidatures").click()
    expect(page).to_have_url(re.compile(rf"/missions/{mission.pk}/candidatures/$"))
    candidate = page.get_by_role("article").filter(has_text=compagnon.display_name)
    expect(candidate.get_by_role("heading", level=2)).to_contain_text(
        f"en binôme avec {apprentice.display_name} (apprenti·e)"
    )
    expect(candidate.get_by_text("Missions livrées et acceptées : 0")).to_be_visible()
    expect(candidate.get_by_text("Disponible dès lundi")).to_be_visible()
    assert_accessible(page)
    candidate.get_by_role("button", name="Retenir cette candidature").click()
    expect(page.get_by_text("Candidature retenue.")).to_be_visible()
    expect(page.get_by_role("button", name="Retenir cette candidature")).to_have_count(0)
    assert_accessible(page)
    mission.refresh_from_db()
    application.refresh_from_db()
    assert (mission.status, mission.chosen, mission.invoiced_by) == (Mission.Status.ASSIGNED, application, compagnon)
    assert (application.status, application.partner) == (Application.Status.CHOSEN, apprentice)

    # The compagnon starts, then delivers.
    work_url = f"/missions/{mission.pk}/suivi/"
    worker.goto(work_url)
    expect(worker.get_by_text("mission d'apprentissage en binôme")).to_be_visible()
    assert_accessible(worker)
    worker.get_by_role("button", name="Je commence la mission").click()
    expect(worker.get_by_text("C'est enregistré.")).to_be_visible()
    mission.refresh_from_db()
    assert mission.status == Mission.Status.IN_PROGRESS
    assert_accessible(worker)
    worker.get_by_label("Ce que vous livrez").fill("L'agenda de mars est à jour ; les rappels partent la veille.")
    worker.get_by_role("button", name="Marquer comme livrée").click()
    expect(worker.get_by_text("En attente de réception")).to_be_visible()
    assert_accessible(worker)
    mission.refresh_from_db()
    assert mission.status == Mission.Status.DELIVERED

    # The client accepts, testifies (hidden until both have written) and attests the compétence.
    page.goto(work_url)
    expect(page.get_by_text("L'agenda de mars est à jour")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="J'accepte la livraison").click()
    expect(page.get_by_role("heading", name="Témoignages")).to_be_visible()
    assert_accessible(page)
    mission.refresh_from_db()
    assert mission.status == Mission.Status.CLOSED
    assert mission.deliveries.get().status == Delivery.Status.ACCEPTED
    page.get_by_label(re.compile(r"^Votre témoignage")).fill("Un agenda enfin tenu, et des échanges agréables.")
    page.get_by_role("button", name="Publier mon témoignage").click()
    expect(page.get_by_text("Les témoignages restent cachés")).to_be_visible()
    # Its author sees it, marked as waiting for the other side (issue 13 D4); the worker does not, yet.
    expect(page.get_by_text("Un agenda enfin tenu")).to_be_visible()
    expect(page.get_by_text("visible quand l'autre partie aura écrit")).to_be_visible()
    assert_accessible(page)
    group = page.get_by_role("group", name=re.compile(rf"^{re.escape(competence.code)} —"))
    group.get_by_role("radio", name="Oui", exact=True).check()
    page.get_by_role("button", name="J'atteste").click()
    attestation = page.get_by_role("region", name="Attestation de compétences")
    expect(attestation.get_by_role("listitem")).to_have_text(
        [
            f"{compagnon.display_name} — {competence.code} : Oui",
            f"{apprentice.display_name} — {competence.code} : Oui",
        ]
    )
    assert_accessible(page)
    assert set(Attestation.objects.values_list("member", "competence", "result")) == {
        (compagnon.pk, competence.pk, Attestation.Result.YES),
        (apprentice.pk, competence.pk, Attestation.Result.YES),
    }
    client_assessments = Assessment.objects.filter(source="client", competence=competence)
    assert set(client_assessments.values_list("member", "level", "assessor")) == {
        (compagnon.pk, Level.ACQUIRED, client.pk),
        (apprentice.pk, Level.ACQUIRED, client.pk),
    }

    # The compagnon writes theirs: both now show.
    worker.goto(work_url)
    assert_accessible(worker)
    worker.get_by_label(re.compile(r"^Votre témoignage")).fill("Un client clair et ponctuel dans ses réponses.")
    worker.get_by_role("button", name="Publier mon témoignage").click()
    testimonials = worker.get_by_role("region", name="Témoignages")
    expect(testimonials.get_by_text("Un agenda enfin tenu, et des échanges agréables.")).to_be_visible()
    expect(testimonials.get_by_text("Un client clair et ponctuel dans ses réponses.")).to_be_visible()
    assert_accessible(worker)
    assert set(bank.Testimonial.objects.values_list("author", "about")) == {
        (client.pk, compagnon.pk),
        (compagnon.pk, client.pk),
    }

    # The attestation shows on the member's record, as the client sees it.
    page.goto(f"/missions/membres/{compagnon.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Les missions de {compagnon.display_name}")
    expect(page.get_by_text("Compétences attestées par des clients")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"{competence.code} (1)")
    expect(page.get_by_text("Missions livrées et acceptées : 1")).to_be_visible()
    expect(page.get_by_text("Un agenda enfin tenu, et des échanges agréables.")).to_be_visible()
    assert_accessible(page)


def test_mission_pages_fit_a_small_phone(open_browser, people):
    problems: list[str] = []

    def check(page, path: str) -> None:
        response = page.goto(path)
        assert response.ok and page.url.endswith(path), f"{path}: {response.status} at {page.url}"
        for check_page in (assert_accessible, assert_fits):
            try:
                check_page(page)
            except pytest.fail.Exception as failure:
                problems.append(str(failure))

    check(open_browser(viewport=SMALL_PHONE).page, "/missions/")
    client_session = open_browser(viewport=SMALL_PHONE)
    client_session.log_in(people["client"])
    check(client_session.page, "/missions/proposer/")
    assert not problems, "\n\n".join(problems)
