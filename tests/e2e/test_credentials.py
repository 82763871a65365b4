"""Credentials that travel, in the browser: a member finds their titles from « Mon espace », downloads the signed JSON
and finds LinkedIn's « add to profile » link, pastes a house's recommendation that is not one (said, kept); staff
register another house by its did:web (a wrong one is said, the input kept); anyone reads the issuer's DID
document."""

import re

import pytest
from playwright.sync_api import expect

from compagnons.credentials import services
from compagnons.credentials.models import House
from tests.e2e.conftest import assert_accessible
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"


def _issue(member):
    return services.issue(
        member=member,
        achievement_type="Competency",
        achievement_key="e2e/BC01",
        name="BC01 — Se présenter",
        description="Mise en situation",
        criteria="Pitch",
        alignments=[],
        evidence=member,
        evidence_url="https://exemple.test/decision/1",
        evidence_name="Décision",
    )


def test_a_member_takes_a_title_to_linkedin_and_staff_register_a_house(open_browser, charter):
    member = UserFactory(compagnon=True, first_name="Inès", last_name="Garnier")
    credential = _issue(member)

    session = open_browser()
    session.log_in(member)
    page = session.page
    page.goto("/")
    page.get_by_role("link", name="Mon espace").first.click()
    page.get_by_role("link", name="Mes titres vérifiables").click()
    expect(page).to_have_url(re.compile(r"/espace/titres/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes titres vérifiables")
    download = page.get_by_role("link", name=f"Télécharger « {credential.name} » (JSON signé)")
    expect(download).to_have_attribute("href", f"/verifier/{credential.uuid}.json")
    linkedin = page.get_by_role("link", name=f"Ajouter « {credential.name} » à mon profil LinkedIn")
    href = linkedin.get_attribute("href")
    assert href.startswith("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME")
    assert f"certId={credential.uuid}" in href
    assert_accessible(page)
    # a house's recommendation pasted wrong: said in French, the paste kept, the page still accessible
    paste = page.get_by_label("La recommandation signée (JSON), telle que l'autre maison vous l'a donnée")
    paste.fill('{"type": ["VerifiableCredential", "EndorsementCredential"]}')
    page.get_by_role("button", name="Ajouter cette recommandation").click()
    expect(page.get_by_text("Cette recommandation n'a pas été émise par une maison reconnue ici")).to_be_visible()
    expect(paste).to_have_value('{"type": ["VerifiableCredential", "EndorsementCredential"]}')
    assert_accessible(page)
    session.close()

    formateur = UserFactory(formateur=True, first_name="Claire", last_name="Moreau")
    session = open_browser()
    session.log_in(formateur)
    page = session.page
    page.goto("/")
    page.get_by_role("link", name="Mon espace").first.click()
    page.get_by_role("link", name="Titres émis").click()
    page.get_by_role("link", name="Maisons reconnues (autres instances de la plateforme)").click()
    expect(page).to_have_url(re.compile(r"/equipe/titres/maisons/$"))
    assert_accessible(page)
    page.get_by_label("Nom de la maison").fill("Compagnons du Sud")
    page.get_by_label("Identifiant did:web").fill("https://compagnons-sud.exemple")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("n'est pas un identifiant did:web")).to_be_visible()
    expect(page.get_by_label("Nom de la maison")).to_have_value("Compagnons du Sud")
    assert_accessible(page)
    page.get_by_label("Identifiant did:web").fill("did:web:compagnons-sud.exemple")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status").filter(has_text="Maison « Compagnons du Sud » enregistrée.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="did:web:compagnons-sud.exemple")).to_be_visible()
    assert House.objects.get().did == "did:web:compagnons-sud.exemple"

    response = page.request.get("/.well-known/did.json")
    assert response.ok
    assert response.json()["id"] == services.issuer_id()
