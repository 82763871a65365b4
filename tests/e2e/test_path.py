"""The path, in the browser: an apprentice asks a suggested compagnon; the compagnon accepts and logs a session;
the apprentice confirms it and adds evidence (a text, then a PDF); the mentor validates it; the carnet de route
shows the compétence. Also: the evidence form without JavaScript, and the path's pages on a small phone."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from compagnons.apprenticeship import services
from compagnons.apprenticeship.models import (
    Evidence,
    MentoringSession,
    Mentorship,
    MentorshipRequest,
)
from compagnons.skills.models import Assessment, Level
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_positioning import SMALL_PHONE, assert_fits, competences_by_code, small_referentiel  # noqa: F401
from tests.factories import UserFactory
from tests.factories.apprenticeship import CohortFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A minimal but well-formed one-page PDF: the upload check reads the content, not the name.
SMALL_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n"
    b"%%EOF\n"
)


@pytest.fixture
def private_media(settings, tmp_path):
    """Evidence files go to a temporary directory (the storage reads the setting at each use)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def people(charter, small_referentiel):  # noqa: F811
    """A formateur, a compagnon with the same trade, and an apprentice enrolled in a cohort."""
    formateur = UserFactory(formateur=True, first_name="Jean", last_name="Formateur")
    apprentice = UserFactory(apprentice=True, first_name="Amina", last_name="Diallo", trade="Secrétariat")
    compagnon = UserFactory(
        compagnon=True, first_name="Bernard", last_name="Lefèvre", trade="Secrétariat", availability="part_time"
    )
    cohort = CohortFactory(name="Promotion e2e", certification=small_referentiel, formateur=formateur)
    services.enroll(cohort, apprentice, by=formateur)
    return {"formateur": formateur, "apprentice": apprentice, "compagnon": compagnon}


def expect_message(page, text: str) -> None:
    expect(page.get_by_text(text)).to_be_visible()


def deposit_text_evidence(page, title: str, text: str, competence) -> None:
    page.get_by_role("textbox", name="Titre").fill(title)
    page.get_by_role("radio", name="Texte").check()
    page.get_by_role("textbox", name="Texte").fill(text)
    page.get_by_role("checkbox", name=re.compile(rf"^{re.escape(competence.code)} —")).check()
    page.get_by_role("button", name="Déposer").click()


def test_path_journey_request_session_evidence_validation_carnet(
    open_browser,
    people,
    small_referentiel,  # noqa: F811
    private_media,
):
    apprentice, compagnon = people["apprentice"], people["compagnon"]
    c = competences_by_code(small_referentiel)

    # 1. The apprentice finds a compagnon from the dashboard and asks him.
    learner = open_browser()
    learner.log_in(apprentice)
    page = learner.page
    page.goto("/espace/")
    assert_accessible(page)
    page.get_by_role("link", name="Choisir votre compagnon").click()
    expect(page).to_have_url(re.compile(r"/parcours/compagnons/$"))
    assert_accessible(page)
    card = page.get_by_role("article").filter(has=page.get_by_role("heading", name="Bernard Lefèvre"))
    expect(card.get_by_role("listitem").filter(has_text="même métier : Secrétariat")).to_be_visible()
    expect(card.get_by_role("listitem").filter(has_text="disponibilité : à temps partiel")).to_be_visible()
    expect(card.get_by_role("listitem").filter(has_text="peut encore accompagner")).to_be_visible()
    card.get_by_label("Un mot pour vous présenter (facultatif)").fill("Bonjour, je débute en secrétariat à distance.")
    card.get_by_role("button", name="Demander à Bernard").click()
    expect(page).to_have_url(re.compile(r"/parcours/compagnons/$"))
    expect_message(page, "Votre demande est envoyée. Le compagnon vous répondra ici.")
    expect(page.get_by_text("Bernard Lefèvre — En attente de réponse")).to_be_visible()
    assert_accessible(page)
    request = MentorshipRequest.objects.get(apprentice=apprentice, compagnon=compagnon)
    assert request.status == MentorshipRequest.Status.PENDING
    assert request.message == "Bonjour, je débute en secrétariat à distance."

    # 2. The compagnon accepts, then logs yesterday's session.
    mentor = open_browser()
    mentor.log_in(compagnon)
    mpage = mentor.page
    mpage.goto("/espace/")
    assert_accessible(mpage)
    mpage.get_by_role("link", name="1 demande d'accompagnement attend votre réponse").click()
    expect(mpage).to_have_url(re.compile(r"/parcours/demandes/$"))
    assert_accessible(mpage)
    expect(mpage.get_by_role("heading", name="Amina Diallo")).to_be_visible()
    expect(mpage.get_by_text("Bonjour, je débute en secrétariat à distance.")).to_be_visible()
    mpage.get_by_role("button", name="J'accepte de l'accompagner").click()
    expect_message(mpage, "Vous accompagnez désormais cet apprenti.")
    assert_accessible(mpage)
    mentorship = Mentorship.objects.active().get(apprentice=apprentice)
    assert mentorship.mentor == compagnon
    request.refresh_from_db()
    assert request.status == MentorshipRequest.Status.ACCEPTED

    mpage.goto("/espace/")
    assert_accessible(mpage)
    mpage.get_by_role("link", name="noter une séance").click()
    expect(mpage).to_have_url(re.compile(rf"/parcours/accompagnements/{mentorship.pk}/seance/$"))
    expect(mpage.get_by_role("heading", level=1)).to_have_text("Noter une séance avec Amina Diallo")
    assert_accessible(mpage)
    yesterday = timezone.localdate() - timedelta(days=1)
    mpage.get_by_label(re.compile(r"^Date")).fill(yesterday.isoformat())
    mpage.get_by_label(re.compile(r"^Durée")).fill("45")
    mpage.get_by_label(re.compile(r"^Modalité")).select_option(label="Visio")
    mpage.get_by_role("checkbox", name=re.compile(r"^C1\.2 —")).check()
    mpage.get_by_label(re.compile(r"^Notes")).fill("Préparation d'un entretien de découverte.")
    mpage.get_by_role("button", name="Enregistrer la séance").click()
    expect(mpage).to_have_url(re.compile(r"/parcours/seances/$"))
    expect_message(mpage, "Séance notée. L'apprenti va la confirmer.")
    assert_accessible(mpage)
    session = MentoringSession.objects.get(mentorship=mentorship)
    assert (session.date, session.duration_minutes, session.mode) == (yesterday, 45, "visio")
    assert session.status == MentoringSession.Status.PENDING
    assert [x.code for x in session.competences.all()] == ["C1.2"]

    # 3. The apprentice confirms the session, then deposits a text and a PDF.
    page.goto("/parcours/seances/")
    assert_accessible(page)
    page.get_by_role("button", name="Je confirme").click()
    expect_message(page, "Séance confirmée : elle compte dans vos heures de formation.")
    assert_accessible(page)
    session.refresh_from_db()
    assert session.status == MentoringSession.Status.CONFIRMED
    assert session.confirmed_at is not None

    page.goto("/parcours/preuves/")
    assert_accessible(page)
    deposit_text_evidence(
        page, "Ma grille tarifaire", "J'ai fixé mes tarifs pour deux clients en comparant trois offres.", c["C1.1"]
    )
    expect(page).to_have_url(re.compile(r"/parcours/preuves/$"))
    expect_message(page, "Preuve déposée. Votre compagnon va l'examiner.")
    expect(page.get_by_role("link", name="Ma grille tarifaire")).to_be_visible()
    assert_accessible(page)
    text_evidence = Evidence.objects.get(apprentice=apprentice, title="Ma grille tarifaire")
    assert (text_evidence.kind, text_evidence.status) == (Evidence.Kind.TEXT, Evidence.Status.SUBMITTED)
    assert [x.code for x in text_evidence.competences.all()] == ["C1.1"]

    page.get_by_role("textbox", name="Titre").fill("Mon plan de sauvegarde")
    page.get_by_role("radio", name="Fichier").check()
    page.get_by_label("Fichier (PDF, image ou document bureautique)").set_input_files(
        {"name": "sauvegardes.pdf", "mimeType": "application/pdf", "buffer": SMALL_PDF}
    )
    page.get_by_role("checkbox", name=re.compile(r"^C2\.1 —")).check()
    page.get_by_role("button", name="Déposer").click()
    expect_message(page, "Preuve déposée. Votre compagnon va l'examiner.")
    assert_accessible(page)
    file_evidence = Evidence.objects.get(apprentice=apprentice, title="Mon plan de sauvegarde")
    assert (file_evidence.kind, file_evidence.content_type) == (Evidence.Kind.FILE, "application/pdf")
    assert file_evidence.file_name == "sauvegardes.pdf"
    with file_evidence.file.open("rb") as stored:
        assert stored.read() == SMALL_PDF
    page.get_by_role("link", name="Mon plan de sauvegarde").click()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger sauvegardes.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "sauvegardes.pdf"
    assert Path(download.path()).read_bytes() == SMALL_PDF

    # 4. The compagnon validates the text evidence from his dashboard.
    mpage.goto("/espace/")
    expect(mpage.get_by_role("heading", name="Preuves à examiner")).to_be_visible()
    assert_accessible(mpage)
    mpage.get_by_role("link", name="Ma grille tarifaire").click()
    expect(mpage).to_have_url(re.compile(rf"/parcours/preuves/{text_evidence.pk}/$"))
    expect(mpage.get_by_text("J'ai fixé mes tarifs pour deux clients en comparant trois offres.")).to_be_visible()
    assert_accessible(mpage)
    mpage.get_by_role("radio", name="Je valide cette preuve").check()
    mpage.get_by_role("radio", name="Acquis", exact=True).check()
    mpage.get_by_role("button", name="Enregistrer mon avis").click()
    expect_message(mpage, "Votre avis est enregistré.")
    expect(mpage.get_by_role("button", name="Enregistrer mon avis")).to_have_count(0)
    assert_accessible(mpage)
    text_evidence.refresh_from_db()
    assert text_evidence.status == Evidence.Status.VALIDATED
    assert text_evidence.reviewer == compagnon
    assessment = Assessment.objects.get(member=apprentice, competence=c["C1.1"], source=Assessment.Source.EVIDENCE)
    assert assessment.level == Level.ACQUIRED

    # 5. The carnet de route shows the compétence, with its evidence.
    page.goto(f"/parcours/carnet/{apprentice.pk}/")
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Le carnet de route de Amina Diallo")
    entry = page.get_by_role("listitem").filter(has_text="C1.1 — Définir une offre de services")
    expect(entry.get_by_role("link", name="Ma grille tarifaire")).to_be_visible()
    expect(page.get_by_text("Mon plan de sauvegarde")).to_have_count(0)  # not validated yet


def assert_accessible_snapshot(checker, page) -> None:
    """axe-core cannot run in a context without JavaScript (`axe.run` waits on the page's timers, which never fire):
    serve the HTML that page shows, at the same address (same styles), to a page with JavaScript, and check it."""
    html, url = page.content(), page.url
    checker.unroute(url)  # a previous snapshot of the same address
    checker.route(url, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html))
    checker.goto(url)
    assert checker.url == url
    expect(checker.locator("h1")).to_have_text(page.locator("h1").inner_text())
    assert_accessible(checker)


def test_evidence_form_works_without_javascript(open_browser, people, small_referentiel):  # noqa: F811
    apprentice = people["apprentice"]
    c = competences_by_code(small_referentiel)
    learner = open_browser(java_script_enabled=False)
    learner.log_in(apprentice)
    page = learner.page
    checker = open_browser()  # axe runs on snapshots of the pages, in a context with JavaScript.
    page.goto("/parcours/preuves/")
    assert_accessible_snapshot(checker.page, page)

    # Sent incomplete first: the errors come back from the server, the answers kept.
    page.get_by_role("textbox", name="Titre").fill("Mon entretien client")
    page.get_by_role("radio", name="Texte").check()
    page.get_by_role("button", name="Déposer").click()
    expect(page.get_by_text("Écrivez le texte.")).to_be_visible()
    expect(page.get_by_text("Reliez la preuve à au moins une compétence.")).to_be_visible()
    expect(page.get_by_role("textbox", name="Titre")).to_have_value("Mon entretien client")
    assert_accessible_snapshot(checker.page, page)
    assert not Evidence.objects.exists()

    page.get_by_role("radio", name="Texte").check()
    page.get_by_role("textbox", name="Texte").fill("J'ai mené un entretien de découverte avec une cliente.")
    page.get_by_role("checkbox", name=re.compile(r"^C1\.2 —")).check()
    page.get_by_role("button", name="Déposer").click()
    expect(page).to_have_url(re.compile(r"/parcours/preuves/$"))
    expect_message(page, "Preuve déposée. Votre compagnon va l'examiner.")
    assert_accessible_snapshot(checker.page, page)
    evidence = Evidence.objects.get(apprentice=apprentice)
    assert (evidence.title, evidence.kind) == ("Mon entretien client", Evidence.Kind.TEXT)
    assert list(evidence.competences.all()) == [c["C1.2"]]


def test_path_pages_fit_a_small_phone(open_browser, people, small_referentiel, private_media):  # noqa: F811
    apprentice, compagnon = people["apprentice"], people["compagnon"]
    c = competences_by_code(small_referentiel)
    # Long names and content: the worst case for the tables and lists.
    apprentice.last_name = "Diallo-Nkemelu-Vasconcelos"
    apprentice.save(update_fields=["last_name"])
    compagnon.last_name = "Lefèvre-Montmorency-Delacroix"
    compagnon.save(update_fields=["last_name"])
    request = services.request_mentor(apprentice, compagnon, by=apprentice, message="Bonjour")
    services.answer_request(request, by=compagnon, accept=True)
    mentorship = Mentorship.objects.active().get(apprentice=apprentice)
    services.log_session(
        mentorship,
        by=compagnon,
        on=timezone.localdate(),
        duration_minutes=90,
        mode=MentoringSession.Mode.IN_PERSON,
        competences=list(c.values()),
    )
    services.add_evidence(
        apprentice,
        by=apprentice,
        title="Un compte rendu d'entretien de découverte avec une cliente exigeante",
        kind=Evidence.Kind.TEXT,
        competences=list(c.values()),
        text="Compte rendu.",
    )

    learner = open_browser(viewport=SMALL_PHONE)
    learner.log_in(apprentice)
    mentor = open_browser(viewport=SMALL_PHONE)
    mentor.log_in(compagnon)
    visits = [
        (learner.page, "/parcours/compagnons/"),
        (learner.page, "/parcours/seances/"),
        (mentor.page, f"/parcours/accompagnements/{mentorship.pk}/seance/"),
        (learner.page, "/parcours/preuves/"),
        (learner.page, "/chaine/"),
    ]
    for page, path in visits:
        response = page.goto(path)
        assert response.ok and page.url.endswith(path), f"{path}: {response.status} at {page.url}"
        assert_fits(page, SMALL_PHONE["width"])
        assert_accessible(page)
