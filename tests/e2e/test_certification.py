"""The jury, in the browser: staff compose it (the candidate's mentor is refused), the members declare no conflict
and fill their grids, staff record the decision; the candidate becomes compagnon and the title's public page says
« valide », then « révoqué » once staff revoke it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from compagnons.accounts.models import Role
from compagnons.apprenticeship import services as path_services
from compagnons.apprenticeship.models import Enrollment
from compagnons.certification import services
from compagnons.certification.models import Decision, JurySession
from compagnons.credentials.models import IssuedCredential
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_positioning import small_referentiel  # noqa: F401
from tests.factories import UserFactory
from tests.factories.apprenticeship import CohortFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

JURY_URL = re.compile(r"/jurys/(\d+)/$")
DECISION_URL = re.compile(r"/certification/decisions/(\d+)/$")
VERIFY_URL = re.compile(r"/verifier/([0-9a-f-]{36})/$")


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    """Credentials are signed with a key written here; the live server runs in this process and sees it."""
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"


@pytest.fixture
def people(charter, small_referentiel):  # noqa: F811
    """A formateur; an aspirant with a mentor and a chef-d'œuvre the mentor confirmed ready."""
    formateur = UserFactory(formateur=True, first_name="Claire", last_name="Moreau")
    aspirant = UserFactory(apprentice=True, first_name="Léa", last_name="Martin")
    mentor = UserFactory(compagnon=True, first_name="Jean-Pierre", last_name="Dubois")
    today = timezone.localdate()
    cohort = CohortFactory(
        name="Promotion e2e",
        certification=small_referentiel,
        starts_on=today - timedelta(days=200),
        ends_on=today + timedelta(days=100),
        formateur=formateur,
        funding="cpf",
        capacity=10,
    )
    path_services.enroll(cohort, aspirant, by=formateur)
    path_services.assign_mentor(aspirant, mentor, by=formateur)
    path_services.record_adoption_piece(aspirant, by=formateur, description="Adoption par l'atelier")
    masterpiece = services.declare_masterpiece(
        aspirant,
        certification=small_referentiel,
        title="Le site d'une librairie de quartier",
        account="Je l'ai conçu avec la libraire, livré en trois semaines.",
        competences=small_referentiel.competences.all()[:2],
    )
    services.confirm_ready(masterpiece, by=mentor)
    return {"formateur": formateur, "aspirant": aspirant, "mentor": mentor, "masterpiece": masterpiece}


def add_member(page, user, profession: str, *, external: bool) -> None:
    page.get_by_label("Adresse e-mail du membre").fill(user.email)
    page.get_by_label("Métier exercé").fill(profession)
    page.get_by_label("Extérieur à l'association").set_checked(external)
    page.get_by_role("button", name="Ajouter ce membre").click()


def fill_grid(page, block, *, check_accessibility: bool) -> None:
    """In the jury room: open the bloc's grid, tick every criterion, propose validation, save."""
    page.get_by_role("link", name=f"Grille du bloc {block.code}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{block.code} — {block.label}")
    expect(page.get_by_text(block.evaluation_methods)).to_be_visible()
    if check_accessibility:
        assert_accessible(page)
    criteria = page.get_by_role("group", name="Critères remplis").get_by_role("checkbox")
    expect(criteria).to_have_count(sum(len(c.criteria) for c in block.competences.all()))
    for box in criteria.all():
        box.check()
    page.get_by_label("Je propose de valider ce bloc").check()
    page.get_by_role("button", name="Enregistrer ma grille").click()
    expect(page).to_have_url(JURY_URL)
    expect(page.get_by_role("status").filter(has_text="Grille enregistrée.")).to_be_visible()


def test_jury_decision_makes_a_compagnon_with_a_verifiable_title(open_browser, people, small_referentiel):  # noqa: F811
    formateur, aspirant, mentor = people["formateur"], people["aspirant"], people["mentor"]
    blocks = list(small_referentiel.blocks.order_by("position"))
    assert len(blocks) == 2
    members = [
        (UserFactory(first_name="Nadia", last_name="Externe"), "Graphiste indépendante", True),
        (UserFactory(first_name="Paul", last_name="Dehors"), "Développeur web", True),
        (UserFactory(compagnon=True, first_name="Sophie", last_name="Atelier"), "Secrétaire à distance", False),
    ]

    # Staff organise a session.
    staff = open_browser()
    staff.log_in(formateur)
    page = staff.page
    page.goto("/equipe/jurys/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Les sessions de jury")
    assert_accessible(page)
    jury_date = timezone.localdate() + timedelta(days=7)
    page.get_by_label("Certification").select_option(label=str(small_referentiel))
    page.get_by_label("Date").fill(jury_date.isoformat())
    page.get_by_label("Lieu ou lien de visio").fill("Visio : https://visio.exemple.test/jury")
    page.get_by_role("button", name="Créer la session").click()
    expect(page).to_have_url(JURY_URL)
    session_pk = int(JURY_URL.search(page.url).group(1))
    jury_path = f"/jurys/{session_pk}/"
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Jury du {jury_date:%d/%m/%Y}")
    expect(page.get_by_role("status").filter(has_text="Session créée")).to_be_visible()
    assert_accessible(page)
    session = JurySession.objects.get(pk=session_pk)
    assert (session.certification, session.date, session.organised_by) == (small_referentiel, jury_date, formateur)

    # The candidate first, then the mentor is refused as a member, with a message that says why.
    masterpiece = people["masterpiece"]
    page.get_by_label("Chef-d'œuvre prêt").select_option(
        label=f"{aspirant.display_name} — {masterpiece.title} ({masterpiece.get_route_display()})"
    )
    page.get_by_role("button", name="Ajouter ce candidat").click()
    expect(page.get_by_role("status").filter(has_text="C'est enregistré.")).to_be_visible()
    expect(page.get_by_role("heading", level=3, name=re.compile(re.escape(aspirant.display_name)))).to_be_visible()
    add_member(page, mentor, "Secrétaire à distance", external=False)
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("compagnon")
    expect(refusal).to_contain_text(mentor.display_name)
    assert_accessible(page)
    assert not session.members.exists()

    for user, profession, external in members:
        add_member(page, user, profession, external=external)
        expect(page.get_by_role("status").filter(has_text="C'est enregistré.")).to_be_visible()
        expect(page.get_by_role("listitem").filter(has_text=user.display_name)).to_contain_text(profession)
    expect(page.get_by_role("status").filter(has_text="Avant de délibérer")).to_contain_text("3 membres n'ont pas")
    assert_accessible(page)
    assert sorted(session.members.values_list("user_id", "is_external")) == sorted(
        (user.pk, external) for user, _profession, external in members
    )

    # Each member, in their own browser: no conflict declared, then one grid per bloc. The pages are the same
    # for every member: axe runs on the first one's.
    for index, (user, _profession, _external) in enumerate(members):
        first = index == 0
        member = open_browser()
        member.log_in(user)
        member_page = member.page
        member_page.goto(jury_path)
        if first:
            assert_accessible(member_page)
        member_page.get_by_role("button", name=re.compile("Je déclare n'avoir aucun conflit d'intérêts")).click()
        expect(member_page.get_by_role("status").filter(has_text="C'est enregistré.")).to_be_visible()
        expect(member_page.get_by_role("button", name=re.compile("Je déclare"))).to_have_count(0)
        for block in blocks:
            fill_grid(member_page, block, check_accessibility=first)
        if first:
            assert_accessible(member_page)
    candidacy = session.candidacies.get()
    assert candidacy.evaluations.filter(proposes_validation=True).count() == len(members) * len(blocks)

    # Staff record the decision: every bloc validated.
    page.goto(jury_path)
    expect(page.get_by_role("status").filter(has_text="Avant de délibérer")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page).to_have_url(re.compile(rf"/equipe/jurys/candidats/{candidacy.pk}/decision/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(aspirant.display_name)
    assert_accessible(page)
    for block in blocks:
        page.get_by_label(re.compile(rf"^{re.escape(block.code)} — .* : validé")).check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page).to_have_url(DECISION_URL)
    expect(page.get_by_role("status").filter(has_text="Décision enregistrée")).to_be_visible()
    expect(page.get_by_text("Titre validé", exact=True)).to_be_visible()
    assert_accessible(page)

    decision = Decision.objects.get(pk=int(DECISION_URL.search(page.url).group(1)))
    assert decision.outcome == Decision.Outcome.VALIDATED and decision.candidate == aspirant
    assert aspirant.role_grants.filter(role=Role.COMPAGNON).exists()
    assert Enrollment.objects.get(member=aspirant).stage == "compagnon"
    issued = IssuedCredential.objects.filter(member=aspirant)
    assert issued.filter(achievement_type="Competency").count() == len(blocks)
    title = issued.get(achievement_type="Certification")
    assert title.name == small_referentiel.name

    # Anyone checks the title on its public page, by the decision page's link.
    title_link = page.get_by_role("link", name=title.name, exact=True)
    expect(title_link).to_have_attribute("href", f"/verifier/{title.uuid}/")
    verify_path = f"/verifier/{title.uuid}/"
    visitor = open_browser()
    public = visitor.page
    public.goto(verify_path)
    expect(public.get_by_role("heading", level=1)).to_have_text(title.name)
    verdict = public.locator("hgroup strong")
    expect(verdict).to_have_text("valide")
    expect(public.get_by_text("Statut : valide (non révoqué).")).to_be_visible()
    expect(public.get_by_text(aspirant.display_name, exact=True)).to_be_visible()
    qr = public.get_by_role("img", name="QR code de cette page de vérification")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert_accessible(public)

    # The same address gives the signed credential to a machine.
    response = public.request.get(verify_path, headers={"Accept": "application/ld+json"})
    assert response.ok
    assert response.headers["content-type"].startswith("application/ld+json")
    document = response.json()
    assert document["id"].endswith(verify_path)
    assert isinstance(document["proof"], list) and document["proof"]

    # Staff revoke the title, with a reason; the public page says so.
    page.goto("/equipe/titres/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Titres émis")
    assert_accessible(page)
    row = page.locator("article").filter(has=page.get_by_role("link", name=title.name, exact=True))
    expect(row).to_have_count(1)
    row.get_by_label("Motif de la révocation").fill("Fraude constatée sur le chef-d'œuvre.")
    row.get_by_role("button", name="Révoquer").click()
    expect(page).to_have_url(re.compile(r"/equipe/titres/$"))
    expect(page.get_by_role("status").filter(has_text="Titre révoqué")).to_be_visible()
    expect(row).to_contain_text("révoqué : Fraude constatée sur le chef-d'œuvre.")
    assert_accessible(page)
    title.refresh_from_db()
    assert title.is_revoked and title.revoked_by == formateur
    assert issued.filter(achievement_type="Competency", revoked_at__isnull=True).count() == len(blocks)

    public.reload()
    expect(verdict).to_have_text("révoqué")
    expect(public.get_by_text("Statut : révoqué par l'émetteur.")).to_be_visible()
    expect(public.get_by_text("Fraude constatée sur le chef-d'œuvre.")).to_be_visible()
    assert_accessible(public)
