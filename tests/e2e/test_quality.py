"""Qualiopi evidence, in the browser.

A visitor files a complaint (a first try without an e-mail address is refused, their text kept), gets its number
and the acknowledgement; a formateur takes it from the register, answers it (the answer reaches the visitor) and
records an improvement action caused by it. An apprentice downloads their attendance sheet, which another member
cannot see. The team asks for the association's audit dossier, watches it being built and downloads the ZIP. A
satisfaction survey is answered from the link of its e-mail. A member files a complaint with JavaScript off."""

import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from compagnons.apprenticeship import services as path
from compagnons.quality.jobs import send_satisfaction_surveys
from compagnons.quality.models import AuditExport, Complaint, ImprovementAction, Survey
from compagnons.quality.tasks import build_audit_export
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_path import assert_accessible_snapshot
from tests.e2e.test_positioning import small_referentiel  # noqa: F401
from tests.factories import UserFactory
from tests.factories.apprenticeship import CohortFactory, pair
from tests.quality.conftest import log_session, make_survey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NUMBER = re.compile(r"R-\d{4}-\d{4}")
SURVEY_LINK = re.compile(r"https?://[^\s/]+(/satisfaction/\d+/lien/[^\s/]+/)")
SUBJECT = "Aucune nouvelle depuis ma demande d'inscription"
BODY = "J'ai demandé à rejoindre la promotion de printemps il y a trois semaines et je n'ai reçu aucune réponse."
ANSWER = "Votre demande s'était perdue : elle est acceptée, vous recevrez vos accès lundi. Toutes nos excuses."


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Dossiers go to a temporary directory (the storage reads the setting at each use)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people(charter, small_referentiel):  # noqa: F811
    """A formateur, an apprentice enrolled in a cohort and paired with a compagnon, and a member outside it all."""
    formateur = UserFactory(formateur=True, first_name="Claire", last_name="Moreau")
    apprentice = UserFactory(apprentice=True, first_name="Léa", last_name="Martin")
    compagnon = UserFactory(compagnon=True, first_name="Jean-Pierre", last_name="Dubois")
    outsider = UserFactory(first_name="Olivier", last_name="Dehors")
    today = timezone.localdate()
    cohort = CohortFactory(
        name="Promotion qualité",
        certification=small_referentiel,
        starts_on=today - timedelta(days=120),
        ends_on=today + timedelta(days=200),
        formateur=formateur,
        capacity=20,
    )
    enrollment = path.enroll(cohort, apprentice, by=formateur)
    mentorship = pair(apprentice, compagnon, by=formateur, days_ago=60)
    return {
        "formateur": formateur,
        "apprentice": apprentice,
        "compagnon": compagnon,
        "outsider": outsider,
        "enrollment": enrollment,
        "mentorship": mentorship,
    }


def expect_status(page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def field(page, label: str):
    """The form control labelled exactly `label` (Django adds the French suffix « : »)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(\s*:)?$"))


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def test_a_visitor_complains_the_team_answers_and_records_an_improvement_action(open_browser, people):
    formateur = people["formateur"]
    visitor_email = "paul.visiteur@exemple.test"

    # A visitor without an account fills the public form but forgets their e-mail address.
    visitor = open_browser().page
    visitor.goto("/reclamation/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Une réclamation, une difficulté ?")
    assert_accessible(visitor)
    visitor.get_by_role("group", name="Vous souhaitez").get_by_label("Réclamation").check()
    visitor.get_by_label("À propos de").select_option(label="Le parcours, l'accompagnement")
    visitor.get_by_label("Objet").fill(SUBJECT)
    visitor.get_by_label("Décrivez la situation").fill(BODY)
    visitor.get_by_label("Votre nom").fill("Paul Visiteur")
    email = visitor.get_by_label("Votre adresse e-mail")

    # The browser's own check stops the form first…
    visitor.get_by_role("button", name="Envoyer").click()
    assert email.evaluate("input => input.validity.valueMissing")
    expect(visitor).to_have_url(re.compile(r"/reclamation/$"))
    # …and so does the server, for a browser that does not check (constraint validation switched off here).
    visitor.locator("main form").evaluate("form => { form.noValidate = true; }")
    visitor.get_by_role("button", name="Envoyer").click()
    expect(visitor.locator("#id_email_error")).to_have_text("Ce champ est obligatoire.")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(visitor.get_by_label("Objet")).to_have_value(SUBJECT)
    expect(visitor.get_by_label("Décrivez la situation")).to_have_value(BODY)
    expect(visitor.get_by_label("Votre nom")).to_have_value("Paul Visiteur")
    expect(visitor.get_by_label("À propos de")).to_have_value("path")
    assert_accessible(visitor)
    assert not Complaint.objects.exists()
    assert not mail.outbox

    # With the address, it is registered under a number, and acknowledged by e-mail.
    visitor.get_by_label("Votre adresse e-mail").fill(visitor_email)
    visitor.get_by_role("button", name="Envoyer").click()
    confirmation = visitor.get_by_role("status").filter(has_text="Votre message est enregistré sous le numéro")
    expect(confirmation).to_be_visible()
    assert_accessible(visitor)
    number = NUMBER.search(confirmation.inner_text()).group(0)
    complaint = Complaint.objects.get()
    assert complaint.number == number
    assert (complaint.name, complaint.email, complaint.topic, complaint.filer) == (
        "Paul Visiteur",
        visitor_email,
        "path",
        None,
    )
    expect(visitor.get_by_label("Objet")).to_have_value("")  # a fresh form
    acknowledgements = mails_to(visitor_email)
    assert len(acknowledgements) == 1, [m.subject for m in mail.outbox]
    assert number in acknowledgements[0].subject
    assert number in acknowledgements[0].body
    assert SUBJECT not in acknowledgements[0].body  # never echo what a visitor typed to an address they chose

    # A formateur finds it in the register, takes it on and answers.
    team_session = open_browser()
    team_session.log_in(formateur)
    team = team_session.page
    team.goto("/equipe/qualite/")
    assert_accessible(team)
    team.get_by_role("navigation", name="Qualité").get_by_role("link", name="Réclamations").click()
    expect(team.get_by_role("heading", level=1)).to_have_text("Registre des réclamations")
    row = team.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text(SUBJECT)
    expect(row).to_contain_text("Personne")
    expect(row).to_contain_text("Reçue")
    assert_accessible(team)
    row.get_by_role("link", name=number).click()

    expect(team.get_by_role("heading", level=1)).to_have_text(f"{number} — {SUBJECT}")
    expect(team.get_by_text("visiteur sans compte")).to_be_visible()
    assert_accessible(team)
    team.get_by_label("Responsable").select_option(value=str(formateur.pk))
    team.get_by_role("button", name="Enregistrer").click()
    expect_status(team, "Responsable enregistré·e.")
    expect(team.locator("dd").filter(has_text="En cours")).to_be_visible()
    expect(team.locator("dd").filter(has_text=formateur.display_name)).to_be_visible()
    assert_accessible(team)
    field(team, "Réponse").fill(ANSWER)
    team.get_by_role("button", name="Envoyer la réponse").click()
    expect_status(team, "Réponse enregistrée et envoyée par e-mail.")
    expect(team.get_by_text(ANSWER)).to_be_visible()
    expect(team.get_by_role("button", name="Clore la réclamation")).to_be_visible()
    assert_accessible(team)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.owner, complaint.answered_by) == ("answered", formateur, formateur)
    answers = [m for m in mails_to(visitor_email) if "Réponse" in m.subject]
    assert len(answers) == 1, [m.subject for m in mail.outbox]
    assert number in answers[0].subject and ANSWER in answers[0].body

    # From the complaint, an improvement action, pre-filled with its cause.
    team.get_by_role("link", name="Ouvrir une action d'amélioration").click()
    expect(team.get_by_role("heading", level=1)).to_have_text("Nouvelle action d'amélioration")
    expect(field(team, "Cause")).to_have_value("complaint")
    expect(team.get_by_label("Numéro de la réclamation")).to_have_value(number)
    assert_accessible(team)
    due_on = timezone.localdate() + timedelta(days=30)
    field(team, "Action").fill("Répondre à chaque demande d'inscription sous huit jours")
    field(team, "Description").fill("Une alerte sur le tableau de bord pour les demandes en attente.")
    team.get_by_label("Responsable").select_option(value=str(formateur.pk))
    team.get_by_label("Échéance").fill(due_on.isoformat())
    team.get_by_role("button", name="Enregistrer").click()

    expect(team).to_have_url(re.compile(r"/equipe/qualite/actions/$"))
    expect_status(team, "Action enregistrée.")
    action_row = team.get_by_role("row").filter(has_text="Répondre à chaque demande d'inscription")
    expect(action_row).to_contain_text(formateur.display_name)
    expect(action_row).to_contain_text(due_on.strftime("%d/%m/%Y"))
    expect(action_row).to_contain_text("Prévue")
    expect(action_row).to_contain_text("Une réclamation")
    expect(action_row.get_by_role("link", name=number)).to_be_visible()
    assert_accessible(team)
    action = ImprovementAction.objects.get()
    assert (action.cause, action.complaint, action.created_by) == ("complaint", complaint, formateur)

    # The complaint lists it.
    team.goto(complaint.get_absolute_url())
    linked = team.get_by_role("region", name="Actions d'amélioration liées")
    expect(linked.get_by_role("link", name="Répondre à chaque demande d'inscription")).to_be_visible()
    assert_accessible(team)


def test_an_apprentice_downloads_their_attendance_sheet_nobody_else_sees_it(open_browser, people):
    apprentice, mentorship = people["apprentice"], people["mentorship"]
    log_session(mentorship, 20, 90)
    log_session(mentorship, 10, 45)
    log_session(mentorship, 5, 60, confirm=False)  # not signed by the apprentice: not on the sheet

    session = open_browser()
    session.log_in(apprentice)
    page = session.page
    page.goto("/espace/")
    assert_accessible(page)
    page.get_by_role("link", name="Ma feuille d'émargement (séances confirmées)").click()

    expect(page).to_have_url(re.compile(rf"/parcours/emargement/{apprentice.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Feuille d'émargement — {apprentice.display_name}")
    table = page.get_by_role("table")
    expect(table.locator("caption")).to_contain_text("2 séances confirmées")
    expect(table.locator("caption")).to_contain_text("2 h 15 au total")
    expect(table.locator("tbody tr")).to_have_count(2)
    day = (timezone.localdate() - timedelta(days=5)).strftime("%d/%m/%Y")
    expect(table).not_to_contain_text(day)
    assert_accessible(page)

    link = page.get_by_role("button", name="Télécharger la feuille (PDF)")
    href = link.get_attribute("href")
    assert href == f"/parcours/emargement/{apprentice.pk}/feuille.pdf"
    response = page.request.get(href)  # the browser context's cookies: the apprentice's session
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    # Another member: 404 for the page and the PDF.
    other = open_browser()
    other.log_in(people["outsider"])
    response = other.page.goto(f"/parcours/emargement/{apprentice.pk}/")
    assert response.status == 404
    assert_accessible(other.page)
    assert other.page.request.get(href).status == 404


def test_the_team_builds_the_association_dossier_and_downloads_it(open_browser, people):
    formateur = people["formateur"]
    # A worker has already started on the association's dossier: asking again shows that one being built.
    running = AuditExport.objects.create(
        kind=AuditExport.Kind.ASSOCIATION, requested_by=formateur, status=AuditExport.Status.RUNNING, progress=40
    )

    session = open_browser()
    session.log_in(formateur)
    page = session.page
    page.goto("/equipe/qualite/dossiers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers d'audit")
    assert_accessible(page)
    page.get_by_role("button", name="Préparer le dossier de l'association").click()

    expect(page).to_have_url(re.compile(rf"/equipe/qualite/dossiers/{running.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossier de l'association")
    progress = page.get_by_role("status")
    expect(progress).to_contain_text("Fabrication en cours…")
    expect(page.get_by_role("progressbar", name="Avancement")).to_have_attribute("value", "40")
    expect(progress.get_by_role("link", name="Actualiser")).to_be_visible()
    assert_accessible(page)
    assert AuditExport.objects.count() == 1

    # The worker finishes; the page, polling, shows the download link without a reload.
    assert build_audit_export.call(running.pk)
    download_link = page.get_by_role("button", name="Télécharger le dossier (ZIP)")
    expect(download_link).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_count(0)
    assert_accessible(page)
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename == f"dossier-audit-association-{timezone.localdate():%Y%m%d}.zip"
    with open(download.path(), "rb") as archive_file:
        archive = zipfile.ZipFile(io.BytesIO(archive_file.read()))
    assert {
        "LISEZ-MOI.txt",
        "satisfaction.csv",
        "reclamations.csv",
        "amelioration.csv",
        "heures-par-promotion.csv",
        "indicateurs/indicateurs.csv",
        "indicateurs/indicateurs.xlsx",
    } <= set(archive.namelist())
    assert archive.testzip() is None

    # A new request, with nothing on its way, is built at once (immediate task backend in tests).
    page.get_by_role("link", name="Tous les dossiers").click()
    expect(page.get_by_role("listitem").filter(has_text="Dossier de l'association")).to_contain_text("Prêt")
    assert_accessible(page)
    page.get_by_role("button", name="Préparer le dossier de l'association").click()
    expect(page.get_by_role("button", name="Télécharger le dossier (ZIP)")).to_be_visible()
    assert_accessible(page)
    assert AuditExport.objects.filter(status=AuditExport.Status.READY).count() == 2


def test_a_survey_is_answered_from_the_link_of_its_email(open_browser, people):
    apprentice = people["apprentice"]
    survey = make_survey(apprentice, people["enrollment"])

    send_satisfaction_surveys.call()
    sent = mails_to(apprentice.email)
    assert len(sent) == 1, [m.subject for m in mail.outbox]
    link = SURVEY_LINK.search(sent[0].body).group(1)

    page = open_browser().page  # no login: the link is enough
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre avis")
    expect(page.get_by_text("À propos du parcours, qui vient de se terminer.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("group", name="Dans l'ensemble, êtes-vous satisfait·e ?").get_by_label("Très satisfait·e").check()
    page.get_by_role("group", name="Ce que vous attendiez a-t-il été atteint ?").get_by_label("Plutôt oui").check()
    page.get_by_role("group", name="Êtes-vous satisfait·e de l'accompagnement").get_by_label(
        "Plutôt satisfait·e", exact=True
    ).check()
    page.get_by_role("group", name="Recommanderiez-vous").get_by_label("Oui", exact=True).check()
    page.get_by_label("Qu'est-ce qui vous a été le plus utile ?").fill("Les séances du mardi avec Jean-Pierre.")
    page.get_by_role("button", name="Envoyer mes réponses").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Merci pour vos réponses")
    assert_accessible(page)
    survey.refresh_from_db()
    assert survey.answered_at is not None
    assert (survey.satisfaction, survey.expectations, survey.support, survey.recommend) == (4, 3, 3, "yes")
    assert survey.liked == "Les séances du mardi avec Jean-Pierre."

    # The link once more: the answer is kept, no second one.
    page.goto(link)
    expect(page.get_by_role("status")).to_have_text("Vous avez déjà répondu à ce questionnaire. Merci !")
    expect(page.get_by_role("button", name="Envoyer mes réponses")).to_have_count(0)
    assert_accessible(page)
    assert Survey.objects.get().pk == survey.pk


def test_a_member_reports_a_difficulty_without_javascript(open_browser, people):
    apprentice = people["apprentice"]
    session = open_browser(java_script_enabled=False)
    session.log_in(apprentice)
    page = session.page
    checker = open_browser().page  # axe runs on snapshots of the pages, in a context with JavaScript.

    page.goto("/reclamation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Une réclamation, une difficulté ?")
    expect(page.get_by_label("Votre nom")).to_have_count(0)  # the account is the contact
    assert_accessible_snapshot(checker, page)

    # An object of blanks passes the browser's check, not the server's: the error comes back, the text kept.
    page.get_by_role("group", name="Vous souhaitez").get_by_label("Difficulté rencontrée").check()
    page.get_by_label("À propos de").select_option(label="Le site")
    page.get_by_label("Objet").fill("   ")
    page.get_by_label("Décrivez la situation").fill("Depuis lundi, la page reste blanche sur ma tablette.")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator("#id_subject_error")).to_have_text("Ce champ est obligatoire.")
    expect(page.get_by_label("Décrivez la situation")).to_have_value(
        "Depuis lundi, la page reste blanche sur ma tablette."
    )
    expect(page.get_by_role("group", name="Vous souhaitez").get_by_label("Difficulté rencontrée")).to_be_checked()
    assert_accessible_snapshot(checker, page)
    assert not Complaint.objects.exists()

    page.get_by_label("Objet").fill("Le carnet ne s'affiche pas sur ma tablette")
    page.get_by_role("button", name="Envoyer").click()

    expect(page).to_have_url(re.compile(r"/espace/reclamations/$"))
    confirmation = page.get_by_role("status").filter(has_text="Votre message est enregistré sous le numéro")
    expect(confirmation).to_be_visible()
    number = NUMBER.search(confirmation.inner_text()).group(0)
    mine = page.get_by_role("article").filter(has_text=number)
    expect(mine.get_by_role("heading", level=2)).to_have_text(f"{number} — Le carnet ne s'affiche pas sur ma tablette")
    expect(mine).to_contain_text("Difficulté rencontrée")
    expect(mine).to_contain_text("Reçue")
    assert_accessible_snapshot(checker, page)

    complaint = Complaint.objects.get(number=number)
    assert (complaint.filer, complaint.kind, complaint.topic, complaint.email) == (
        apprentice,
        "difficulty",
        "platform",
        "",
    )
    acknowledgement = mails_to(apprentice.email)
    assert len(acknowledgement) == 1 and number in acknowledgement[0].body
