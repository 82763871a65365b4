"""The bilan de positionnement: self-assessment bloc by bloc (mouse, keyboard, no JavaScript), the formateur's
review, the result; the public référentiel; and every page of it on a small phone."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from compagnons.skills import services
from compagnons.skills.models import Assessment, Certification, Level, Positioning
from compagnons.skills.referentiel import activate_version, import_referentiel
from tests.e2e.conftest import assert_accessible
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {"width": 360, "height": 740}
SHIPPED_FILE = Path(__file__).resolve().parents[2] / "compagnons/skills/data/referentiel-teletravail-v1.json"
STEP_URL = re.compile(r"/positionnement/(\d+)/etape/(\d+)/$")


def small_referentiel_data() -> dict:
    """Two blocs of two compétences: the whole journey in two steps. Labels as long as the real ones."""

    def competence(code: str, label: str) -> dict:
        return {
            "code": code,
            "label": label,
            "description": f"Ce que « {label.lower()} » veut dire au quotidien, en mots simples.",
            "kind": "savoir-faire",
            "criteria": ["Le livrable est conforme à la demande du client", "Les délais annoncés sont tenus"],
        }

    return {
        "format": "compagnons-referentiel/1",
        "certification": {
            "slug": "parcours-essai-e2e",
            "name": "Télétravailleur·se indépendant·e (référentiel d'essai)",
            "kind": "RNCP",
            "code": "",
            "level": 5,
            "version": 1,
            "activities": "- Trouver ses clients.\n- Travailler à distance en sécurité.",
            "jury_composition": "Deux professionnels du métier.",
            "rome_codes": ["M1607"],
            "blocks": [
                {
                    "code": "BC01",
                    "label": "Construire son offre de services et trouver ses premiers clients",
                    "evaluation_methods": "Mise en situation professionnelle reconstituée.",
                    "competences": [
                        competence("C1.1", "Définir une offre de services à distance et en fixer le tarif"),
                        competence("C1.2", "Conduire un entretien de découverte avec un client"),
                    ],
                },
                {
                    "code": "BC02",
                    "label": "Organiser son poste de télétravail et protéger les données de ses clients",
                    "evaluation_methods": "Étude de cas écrite et entretien technique.",
                    "competences": [
                        competence("C2.1", "Sécuriser ses accès, ses sauvegardes et ses échanges"),
                        competence("C2.2", "Planifier son temps et tenir ses engagements"),
                    ],
                },
            ],
            "competences": [],
        },
        "trades": [{"rome_code": "M1607", "label": "Secrétariat", "competences": ["C1.1"]}],
    }


def _ensure_active(data: dict) -> Certification:
    """Transactional tests flush the tables after each test: the référentiel the data migration loaded may be gone
    (or still there, for the first one). Import the file, or put the existing version back in force."""
    cert_data = data["certification"]
    cert = Certification.objects.filter(slug=cert_data["slug"], version=cert_data["version"]).first()
    if cert is None:
        return import_referentiel(data, activate=True)
    if Certification.objects.current() != cert:
        activate_version(cert, by=None, check_rights=False)
    return cert


@pytest.fixture
def small_referentiel(db) -> Certification:
    cert = _ensure_active(small_referentiel_data())
    assert Certification.objects.current() == cert
    return cert


@pytest.fixture
def shipped_referentiel(db) -> Certification:
    cert = _ensure_active(json.loads(SHIPPED_FILE.read_text(encoding="utf-8")))
    assert Certification.objects.current() == cert
    return cert


def competences_by_code(cert: Certification) -> dict:
    return {c.code: c for c in cert.competences.all()}


def level_group(page, competence):
    """The radio group (fieldset, named by its legend « C1.1 — … ») of one compétence."""
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(competence.code)} —"))


def choose_by_label(page, competence, level: str) -> None:
    group = level_group(page, competence)
    group.locator("label").get_by_text(level, exact=True).click()
    expect(group.get_by_role("radio", name=level, exact=True)).to_be_checked()


def expect_level(page, competence, level: str) -> None:
    expect(level_group(page, competence).get_by_role("radio", name=level, exact=True)).to_be_checked()


def comment_box(page, competence):
    return page.locator(f"textarea[name=comment_{competence.pk}]")


def assert_fits(page, width: int = SMALL_PHONE["width"]) -> None:
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll_width > width:
        wide = page.evaluate(
            """(width) => [...document.querySelectorAll('main *')]
                .filter((el) => el.getBoundingClientRect().right > width)
                .slice(0, 5)
                .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}`
                    + ` (${Math.round(el.getBoundingClientRect().right)}px)`)""",
            width,
        )
        pytest.fail(f"{page.url}: {scroll_width}px wide for a {width}px screen; too wide: {wide}", pytrace=False)


def test_positioning_journey_self_assessment_review_and_result(open_browser, charter, small_referentiel):
    apprentice = UserFactory(apprentice=True, first_name="Amina", last_name="Diallo")
    formateur = UserFactory(formateur=True, first_name="Jean")
    c = competences_by_code(small_referentiel)

    learner = open_browser()
    learner.log_in(apprentice)
    page = learner.page
    page.goto("/espace/")
    assert_accessible(page)
    page.get_by_role("button", name="Commencer mon positionnement").click()

    # Step 1 of 2: one level with the mouse (on the label), the other with the keyboard only.
    expect(page).to_have_url(STEP_URL)
    pk = int(STEP_URL.search(page.url).group(1))
    assert page.url.endswith(f"/positionnement/{pk}/etape/1/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("BC01")
    expect(page.get_by_text("Étape 1 sur 2")).to_be_visible()
    assert_accessible(page)
    choose_by_label(page, c["C1.1"], "Acquis")
    comment_box(page, c["C1.1"]).fill("J'ai établi mes tarifs pour deux clients.")
    # From the comment box, Tab reaches the next compétence's radio group; Space picks, arrows move the choice.
    page.keyboard.press("Tab")
    assert page.evaluate("() => [document.activeElement.type, document.activeElement.name]") == [
        "radio",
        f"level_{c['C1.2'].pk}",
    ]
    page.keyboard.press("Space")
    expect_level(page, c["C1.2"], "Non acquis")
    page.keyboard.press("ArrowDown")
    expect_level(page, c["C1.2"], "En cours")
    page.get_by_role("button", name="Enregistrer et reprendre plus tard").click()

    expect(page).to_have_url(re.compile(r"/positionnement/$"))
    expect(page.get_by_text("C'est enregistré. Vous reprendrez où vous en étiez.")).to_be_visible()
    assert_accessible(page)
    assert dict(
        Assessment.objects.filter(positioning_id=pk, source="self").values_list("competence__code", "level")
    ) == {"C1.1": Level.ACQUIRED, "C1.2": Level.IN_PROGRESS}

    # Back later, from the dashboard: the answers are there.
    page.goto("/espace/")
    assert_accessible(page)
    page.get_by_role("button", name="Reprendre mon positionnement").click()
    expect(page).to_have_url(re.compile(rf"/positionnement/{pk}/etape/1/$"))
    expect_level(page, c["C1.1"], "Acquis")
    expect_level(page, c["C1.2"], "En cours")
    expect(comment_box(page, c["C1.1"])).to_have_value("J'ai établi mes tarifs pour deux clients.")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # Step 2 of 2, the last: back one step keeps what was chosen.
    expect(page).to_have_url(re.compile(rf"/positionnement/{pk}/etape/2/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("BC02")
    assert_accessible(page)
    expect(page.get_by_role("button", name="Enregistrer et continuer")).to_have_count(0)
    choose_by_label(page, c["C2.1"], "Non acquis")
    choose_by_label(page, c["C2.2"], "Maîtrisé")
    page.get_by_role("button", name="Étape précédente").click()
    expect(page).to_have_url(re.compile(rf"/positionnement/{pk}/etape/1/$"))
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page).to_have_url(re.compile(rf"/positionnement/{pk}/etape/2/$"))
    expect_level(page, c["C2.1"], "Non acquis")
    expect_level(page, c["C2.2"], "Maîtrisé")
    page.get_by_role("button", name="Enregistrer et relire").click()

    expect(page).to_have_url(re.compile(rf"/positionnement/{pk}/envoyer/$"))
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer mon auto-évaluation").click()
    expect(page).to_have_url(re.compile(rf"/positionnement/{pk}/$"))
    expect(page.get_by_text("Votre auto-évaluation est envoyée.")).to_be_visible()
    assert_accessible(page)
    assert Positioning.objects.get(pk=pk).status == Positioning.Status.SUBMITTED

    # The formateur finds it on their dashboard and gives a level for every compétence.
    reviewer = open_browser()
    reviewer.log_in(formateur)
    staff_page = reviewer.page
    staff_page.goto("/espace/")
    assert_accessible(staff_page)
    staff_page.get_by_role("link", name=apprentice.display_name).click()
    expect(staff_page).to_have_url(re.compile(rf"/positionnement/{pk}/avis/$"))
    expect(staff_page.get_by_role("heading", level=1)).to_have_text("Avis du formateur")
    expect(staff_page.get_by_text("« J'ai établi mes tarifs pour deux clients. »")).to_be_visible()
    assert_accessible(staff_page)

    # Nothing chosen: the form says so, accessibly, and saves nothing.
    staff_page.get_by_role("button", name="Enregistrer mon avis").click()
    expect(staff_page.get_by_role("alert")).to_contain_text("Certaines compétences n'ont pas de niveau")
    assert_accessible(staff_page)
    assert not Assessment.objects.filter(positioning_id=pk, source="staff").exists()

    for code, level in [("C1.1", "Acquis"), ("C1.2", "En cours"), ("C2.1", "En cours"), ("C2.2", "Acquis")]:
        choose_by_label(staff_page, c[code], level)
    comment_box(staff_page, c["C2.1"]).fill("Mettre en place des sauvegardes automatiques.")
    staff_page.get_by_label(re.compile("Synthèse pour la personne")).fill("Une bonne base commerciale.")
    staff_page.get_by_role("button", name="Enregistrer mon avis").click()
    expect(staff_page).to_have_url(re.compile(rf"/positionnement/{pk}/$"))
    expect(staff_page.get_by_text("Votre avis est enregistré.")).to_be_visible()
    assert_accessible(staff_page)

    # The apprentice sees where they stand: the chart, its table, the gaps turned into first goals.
    page.goto("/espace/")
    expect(page.get_by_role("img", name=re.compile("Niveau moyen par bloc"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Voir où j'en suis").click()
    expect(page).to_have_url(re.compile(rf"/positionnement/{pk}/$"))
    chart = page.locator("svg[role=img]")
    expect(chart).to_have_count(1)
    expect(chart).to_have_accessible_name(re.compile("Niveau moyen par bloc"))
    expect(chart.locator("rect")).to_have_count(4)  # two bars (self, retained) per bloc
    averages = page.get_by_role("table", name=re.compile("Niveau moyen par bloc"))
    expect(averages.get_by_role("row")).to_have_count(3)
    # BC01: self (2 + 1) / 2, retained (2 + 1) / 2. BC02: self (0 + 3) / 2, retained (1 + 2) / 2.
    expect(averages.get_by_role("row", name=re.compile("BC01"))).to_contain_text(re.compile(r"1,5\s+1,5\s+—\s+1,5"))
    expect(averages.get_by_role("row", name=re.compile("BC02"))).to_contain_text(re.compile(r"1,5\s+1,5\s+—\s+1,5"))
    detail = page.get_by_role("table", name=re.compile("BC02"))
    expect(detail.get_by_role("row", name=re.compile("C2.1"))).to_contain_text(
        re.compile(r"Non acquis\s+En cours\s+« Mettre en place des sauvegardes automatiques. »\s+—")
    )
    expect(page.get_by_text("Une bonne base commerciale.")).to_be_visible()
    goals = page.get_by_role("region", name="Premiers objectifs suggérés").get_by_role("listitem")
    expect(goals).to_have_text(
        [re.compile(r"^\s*C1\.2 .*\(En cours\)\s*$"), re.compile(r"^\s*C2\.1 .*\(En cours\)\s*$")]
    )
    assert_accessible(page)

    positioning = Positioning.objects.get(pk=pk)
    assert positioning.member == apprentice
    assert positioning.certification == small_referentiel
    assert positioning.status == Positioning.Status.REVIEWED
    assert positioning.reviewed_by == formateur
    assert positioning.staff_comment == "Une bonne base commerciale."
    levels = {
        (a.source, a.competence.code): (a.level, a.assessor_id)
        for a in Assessment.objects.filter(positioning=positioning).select_related("competence")
    }
    assert levels == {
        ("self", "C1.1"): (Level.ACQUIRED, apprentice.pk),
        ("self", "C1.2"): (Level.IN_PROGRESS, apprentice.pk),
        ("self", "C2.1"): (Level.NOT_ACQUIRED, apprentice.pk),
        ("self", "C2.2"): (Level.MASTERED, apprentice.pk),
        ("staff", "C1.1"): (Level.ACQUIRED, formateur.pk),
        ("staff", "C1.2"): (Level.IN_PROGRESS, formateur.pk),
        ("staff", "C2.1"): (Level.IN_PROGRESS, formateur.pk),
        ("staff", "C2.2"): (Level.ACQUIRED, formateur.pk),
    }
    assert Assessment.objects.get(positioning=positioning, source="self", competence__code="C1.1").comment == (
        "J'ai établi mes tarifs pour deux clients."
    )


def test_a_self_assessment_step_works_without_javascript(open_browser, charter, small_referentiel):
    apprentice = UserFactory(apprentice=True)
    c = competences_by_code(small_referentiel)
    session = open_browser(java_script_enabled=False)
    session.log_in(apprentice)
    page = session.page

    page.goto("/espace/")
    page.get_by_role("button", name="Commencer mon positionnement").click()
    expect(page).to_have_url(STEP_URL)
    pk = int(STEP_URL.search(page.url).group(1))
    page.get_by_text("Comment choisir un niveau ?").click()  # <details> opens without script
    expect(page.get_by_text("Je le fais seul·e, de façon fiable, pour un vrai client.")).to_be_visible()
    choose_by_label(page, c["C1.1"], "Maîtrisé")
    choose_by_label(page, c["C1.2"], "Non acquis")
    comment_box(page, c["C1.2"]).fill("Jamais fait d'entretien client.")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page).to_have_url(re.compile(rf"/positionnement/{pk}/etape/2/$"))
    page.get_by_role("button", name="Étape précédente").click()
    expect(page).to_have_url(re.compile(rf"/positionnement/{pk}/etape/1/$"))
    expect_level(page, c["C1.1"], "Maîtrisé")
    expect_level(page, c["C1.2"], "Non acquis")
    answers = {
        a.competence.code: (a.level, a.comment)
        for a in Assessment.objects.filter(positioning_id=pk, source="self").select_related("competence")
    }
    assert answers == {
        "C1.1": (Level.MASTERED, ""),
        "C1.2": (Level.NOT_ACQUIRED, "Jamais fait d'entretien client."),
    }


def check_small_phone_page(page, path: str, problems: list[str]) -> None:
    """Open the page; note (rather than stop at) an axe violation or horizontal scrolling, to see them all."""
    response = page.goto(path)
    assert response.ok and page.url.endswith(path), f"{path}: {response.status} at {page.url}"
    for check in (assert_accessible, assert_fits):
        try:
            check(page)
        except pytest.fail.Exception as failure:
            problems.append(str(failure))


def test_visitors_read_the_referentiel_on_a_small_phone(open_browser, shipped_referentiel):
    page = open_browser(viewport=SMALL_PHONE).page
    problems: list[str] = []
    check_small_phone_page(page, "/referentiel/", problems)
    expect(page.get_by_role("heading", level=1)).to_have_text(shipped_referentiel.name)
    first_block = shipped_referentiel.blocks.order_by("position").first()
    expect(page.get_by_role("heading", level=2, name=re.compile(re.escape(first_block.label)))).to_be_visible()
    assert not problems, "\n\n".join(problems)


def test_positioning_pages_fit_a_small_phone(open_browser, charter, shipped_referentiel):
    """With the shipped référentiel's real (long) labels, made through the services: only the rendering is tested."""
    apprentice = UserFactory(apprentice=True, first_name="Maximilienne")
    formateur = UserFactory(formateur=True)
    competences = list(shipped_referentiel.competences.all())
    done = services.start_positioning(apprentice, by=apprentice)
    services.save_self_assessment(
        done, {c.pk: (i % 4, "Un exemple concret.") for i, c in enumerate(competences)}, by=apprentice
    )
    services.submit_positioning(done, by=apprentice)
    services.review_positioning(
        done,
        {c.pk: ((i + 1) % 4, "") for i, c in enumerate(competences)},
        by=formateur,
        source="staff",
        summary="Des bases solides ; priorité à la prospection.",
    )
    session = open_browser(viewport=SMALL_PHONE)
    session.log_in(apprentice)
    page = session.page
    problems: list[str] = []

    check_small_phone_page(page, f"/positionnement/{done.pk}/", problems)
    check_small_phone_page(page, "/espace/", problems)  # the chart and its table, in the apprentice's panel
    draft = services.start_positioning(apprentice, by=apprentice, moment=Positioning.Moment.MID)
    check_small_phone_page(page, f"/positionnement/{draft.pk}/etape/1/", problems)
    assert not problems, "\n\n".join(problems)
