"""The public face, followed from the home page by clicking links only (issue 22). The one address typed besides the
home page is the e-mail confirmation link, as a person clicks it in their mailbox.

- A client: home → the directory filtered by compétence and region → a mini-site → « Proposer une mission » →
  sign-up as a client → e-mail confirmation → charter → the mission form prefilled with the compagnon to invite →
  staff publish it → the invitation reaches the compagnon, by e-mail and in « Mon espace ».
- A future apprentice: home → « Le parcours » → sign-up → e-mail confirmation → charter → the positioning.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from compagnons.accounts.models import Role, User
from compagnons.missions.models import Mission
from compagnons.showcase import services as showcase
from compagnons.showcase.models import Invitation, Service
from compagnons.skills.models import Level
from compagnons.skills.services import record_assessment
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_missions import TITLE, fill_mission_form
from tests.e2e.test_positioning import competences_by_code, small_referentiel  # noqa: F401
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CONFIRM_LINK = re.compile(r"https?://[^\s\"'<>]+/comptes/confirm-email/[^\s\"'<>]+/")
PASSWORD = "une-phrase-de-passe-solide"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"


def sign_up(page, *, first_name: str, last_name: str, email: str) -> None:
    """Fill allauth's sign-up form, then confirm the address from the e-mail, in the same browser."""
    page.get_by_label(re.compile(r"^Prénom")).fill(first_name)
    page.get_by_label(re.compile(r"^Nom")).fill(last_name)
    page.get_by_label(re.compile(r"^Courriel")).fill(email)
    page.get_by_label(re.compile(r"^Mot de passe\s*:?$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Mot de passe \(confirmation\)")).fill(PASSWORD)
    page.get_by_role("button", name="Création de compte").click()
    expect(page).to_have_url(re.compile(r"/comptes/confirm-email/$"))
    assert_accessible(page)
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    link = CONFIRM_LINK.search(message.body)
    assert link, message.body
    page.goto(link.group(0))
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()


def accept_charter(page) -> None:
    expect(page).to_have_url(re.compile(r"/charte/accepter/"))
    assert_accessible(page)
    page.get_by_role("checkbox", name=re.compile("J'ai lu la charte d'entraide")).check()
    page.get_by_role("button", name="J'accepte et je continue").click()


@pytest.fixture
def ines(charter, small_referentiel):  # noqa: F811
    """A compagnon in Bretagne whose C1.1 a client attested, with a published page (through showcase's services);
    another published page that the filters leave out."""
    competence = competences_by_code(small_referentiel)["C1.1"]
    earlier_client = UserFactory(client=True)
    pages = {}
    for first, last, region in (("Inès", "Garnier", "BRE"), ("Paul", "Autre", "ARA")):
        member = UserFactory(compagnon=True, first_name=first, last_name=last, region=region, trade="Secrétariat")
        record_assessment(member, competence, Level.ACQUIRED, source="client", by=earlier_client)
        profile = showcase.profile_of(member)
        profile.headline = f"{first}, secrétariat à distance pour les cabinets"
        profile.save()
        Service.objects.create(profile=profile, title="Tenue d'agenda", price_cents=3000, unit="hour")
        showcase.publish(profile, by=member)
        pages[first] = profile
    return {"member": pages["Inès"].member, "profile": pages["Inès"], "competence": competence}


def test_a_client_finds_a_compagnon_and_proposes_a_mission_that_invites_them(open_browser, ines):
    compagnon, profile, competence = ines["member"], ines["profile"], ines["competence"]
    formateur = UserFactory(formateur=True, first_name="Claire", last_name="Moreau")

    visitor = open_browser()
    page = visitor.page
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("banner").get_by_role("link", name="Les compagnons").click()

    # The directory, filtered by compétence and region.
    expect(page).to_have_url(re.compile(r"/annuaire/$"))
    assert_accessible(page)
    page.get_by_label("Compétence certifiée ou attestée par un client").select_option(
        label=f"{competence.code} — {competence.label}"
    )
    page.get_by_label("Région").select_option(label="Bretagne")
    page.get_by_role("button", name="Chercher").click()
    expect(page).to_have_url(re.compile(rf"/annuaire/\?.*competence={competence.pk}.*region=BRE"))
    assert_accessible(page)
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name=re.compile("Paul Autre"))).to_have_count(0)
    main.get_by_role("link", name=re.compile("Inès Garnier")).first.click()

    # The mini-site: « Écrire » and « Proposer une mission ».
    expect(page).to_have_url(re.compile(rf"/c/{profile.slug}/$"))
    assert_accessible(page)
    expect(page.get_by_role("button", name="Envoyer")).to_be_visible()
    page.get_by_role("button", name="Proposer une mission").click()

    # Invited to create a client account: « proposer des missions » is ticked.
    expect(page).to_have_url(re.compile(r"/comptes/signup/\?pour=post&next="))
    assert_accessible(page)
    expect(page.locator("input[name=intents][value=post]")).to_be_checked()
    sign_up(page, first_name="Sophie", last_name="Bernard", email="sophie.bernard@exemple.test")
    accept_charter(page)

    # The mission form, prefilled with the compagnon to invite.
    expect(page).to_have_url(re.compile(rf"/missions/proposer/\?inviter={profile.slug}$"))
    assert_accessible(page)
    invite = page.get_by_role("checkbox", name=re.compile(r"^Inviter Inès Garnier à candidater"))
    expect(invite).to_be_checked()
    fill_mission_form(page, competence, budget="500")
    page.get_by_role("button", name="Envoyer à l'équipe").click()
    expect(page).to_have_url(re.compile(r"/missions/mes-missions/$"))
    assert_accessible(page)
    client = User.objects.get(email="sophie.bernard@exemple.test")
    assert client.roles == {Role.CLIENT}
    mission = Mission.objects.get()
    assert (mission.client, mission.invited, mission.status) == (client, compagnon, Mission.Status.SUBMITTED)
    assert not Invitation.objects.exists()

    # Staff qualify and publish it, from their space.
    staff = open_browser()
    staff.log_in(formateur)
    staff_page = staff.page
    staff_page.goto("/")
    staff_page.get_by_role("banner").get_by_role("link", name="Mon espace").click()
    staff_page.get_by_role("link", name=re.compile(r"^1 mission à qualifier")).click()
    staff_page.get_by_role("link", name=TITLE).click()
    expect(staff_page.get_by_text("Proposée depuis la page de Inès Garnier")).to_be_visible()
    assert_accessible(staff_page)
    for label in (
        "Les livrables sont clairs",
        "Le budget est juste pour l'effort",
        "Les compétences attendues sont indiquées",
        re.compile(r"^Aucune clause abusive"),
    ):
        staff_page.get_by_label(label).check()
    outbox_before = len(mail.outbox)
    staff_page.get_by_role("button", name="Publier").click()
    expect(staff_page.get_by_text("Mission publiée.")).to_be_visible()

    # The invitation reaches the compagnon: one e-mail, and « Mon espace ».
    invitation = Invitation.objects.get()
    assert (invitation.profile, invitation.mission) == (profile, mission)
    sent = mail.outbox[outbox_before:]
    assert [m.to for m in sent] == [[compagnon.email]]
    assert TITLE in sent[0].body
    worker = open_browser()
    worker.log_in(compagnon)
    worker_page = worker.page
    worker_page.goto("/")
    worker_page.get_by_role("banner").get_by_role("link", name="Mon espace").click()
    expect(worker_page.get_by_role("heading", name="On vous invite à candidater")).to_be_visible()
    assert_accessible(worker_page)
    worker_page.get_by_role("link", name=TITLE).first.click()
    expect(worker_page).to_have_url(re.compile(rf"/missions/{mission.pk}/$"))
    expect(worker_page.get_by_role("button", name="Envoyer ma candidature")).to_be_visible()


def test_a_visitor_reads_the_path_signs_up_and_reaches_the_positioning(page, charter, small_referentiel):  # noqa: F811
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("banner").get_by_role("link", name="Le parcours").click()

    expect(page).to_have_url(re.compile(r"/le-parcours/$"))
    assert_accessible(page)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_contain_text("Le parcours")
    for block in small_referentiel.blocks.all():
        expect(main.get_by_text(block.label)).to_be_visible()
    expect(main.get_by_role("heading", name="Comment le parcours est financé")).to_be_visible()
    expect(main.get_by_role("heading", name="Les résultats des promotions passées")).to_be_visible()
    main.get_by_role("button", name="Créer mon compte et commencer").click()

    expect(page).to_have_url(re.compile(r"/comptes/signup/\?pour=learn&next="))
    assert_accessible(page)
    expect(page.locator("input[name=intents][value=learn]")).to_be_checked()
    sign_up(page, first_name="Amina", last_name="Diallo", email="amina.diallo@exemple.test")
    accept_charter(page)

    # No dead end: straight to the positioning, which starts.
    expect(page).to_have_url(re.compile(r"/positionnement/$"))
    assert_accessible(page)
    page.get_by_role("button", name="Commencer un positionnement").click()
    expect(page).to_have_url(re.compile(r"/positionnement/\d+/etape/1/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("BC01")
    assert_accessible(page)
    assert User.objects.get(email="amina.diallo@exemple.test").roles == {Role.APPRENTICE}


def test_the_visitor_header_fits_a_small_phone_without_javascript(open_browser):
    session = open_browser(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = session.page
    page.goto("/")
    banner = page.get_by_role("banner")
    for name in ("Les compagnons", "Missions", "Le parcours", "La chaîne", "Résultats", "Se connecter"):
        expect(banner.get_by_role("link", name=name)).to_be_visible()
    expect(banner.get_by_role("button", name="S'inscrire")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    page.get_by_role("banner").get_by_role("link", name="La chaîne").click()
    expect(page).to_have_url(re.compile(r"/chaine/$"))
    expect(page.get_by_role("banner").get_by_role("link", name="La chaîne")).to_have_attribute("aria-current", "page")
