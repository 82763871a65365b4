"""The showcase, in the browser: a compagnon completes the editor (a price under the floor refused, then a fair
one), publishes, sees the public page and downloads the brochure; an anonymous visitor finds them in the directory
and writes to them: the message reaches the outbox, the member's address never appears in the page."""

import io
import re

import pytest
from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from compagnons.showcase.models import Brochure, ContactMessage, Profile, Service
from tests.e2e.conftest import assert_accessible
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADLINE = "Graphiste pour les associations, des affiches qui donnent envie"
SERVICE = "Création d'affiche"
STEP_URL = "/vitrine/etape/{}/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"


def small_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 120), "teal").save(out, format="PNG")
    return out.getvalue()


def expect_step(page, step: int) -> None:
    expect(page).to_have_url(re.compile(rf"{re.escape(STEP_URL.format(step))}$"))
    assert_accessible(page)


def test_member_publishes_their_page_and_a_visitor_writes_to_them(open_browser, charter):
    member = UserFactory(compagnon=True, trade="Graphisme", first_name="Inès", last_name="Garnier")

    session = open_browser()
    session.log_in(member)
    page = session.page

    # Step 1: who I am. /vitrine/ sends a newcomer to the first step.
    page.goto("/vitrine/")
    expect_step(page, 1)
    page.get_by_label("Accroche").fill(HEADLINE)
    page.get_by_label("Pour qui je travaille").fill("Les associations de quartier et les petites compagnies.")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # Step 2: a price under the 25 €/h floor is refused, what was typed is kept; a fair price is added.
    expect_step(page, 2)
    page.get_by_label("Prestation").fill(SERVICE)
    page.get_by_label("Prix (€)").fill("20")
    page.get_by_role("radio", name="de l'heure", exact=True).check()
    page.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_role("alert")).to_contain_text("plancher")
    expect(page.get_by_label("Prestation")).to_have_value(SERVICE)
    assert_accessible(page)
    assert not Service.objects.exists()
    page.get_by_label("Prix (€)").fill("45")
    page.get_by_role("radio", name="de l'heure", exact=True).check()
    page.get_by_role("button", name="Ajouter").click()
    expect_step(page, 2)
    expect(page.get_by_role("listitem").filter(has_text=SERVICE)).to_contain_text(re.compile(r"45.*de l'heure"))
    page.get_by_role("button", name="Étape suivante").click()

    # Step 3: how I work.
    expect_step(page, 3)
    page.get_by_label("Comment je travaille").fill("Un appel pour cadrer, deux propositions, une retouche incluse.")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # Step 4: no realisations yet.
    expect_step(page, 4)
    page.get_by_role("button", name="Étape suivante").click()

    # Step 5: a photo and a theme, then the preview.
    expect_step(page, 5)
    page.get_by_label(re.compile("^Photo")).set_input_files(
        {"name": "moi.png", "mimeType": "image/png", "buffer": small_png()}
    )
    page.get_by_role("radio", name="Chaleureux (terre cuite)").check()
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page).to_have_url(re.compile(r"/vitrine/apercu/$"))
    expect(page.get_by_role("status")).to_contain_text("pas encore publiée")
    expect(page.get_by_text(HEADLINE)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Publier ma page").click()
    expect(page.get_by_text("Votre page est en ligne.")).to_be_visible()
    assert_accessible(page)

    profile = Profile.objects.get(member=member)
    assert profile.published
    assert profile.theme == "chaleureux"
    assert profile.photo
    assert list(Service.objects.filter(profile=profile).values_list("title", "price_cents", "unit")) == [
        (SERVICE, 4500, "hour")
    ]

    # The public page.
    public_url = f"/c/{profile.slug}/"
    page.goto(public_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(member.display_name)
    expect(page.get_by_text(HEADLINE)).to_be_visible()
    assert_accessible(page)

    # The brochure: built at once (immediate tasks), then downloaded.
    page.goto("/vitrine/plaquette/")
    assert_accessible(page)
    page.get_by_role("button", name="Fabriquer ma plaquette").click()
    download_link = page.get_by_role("button", name="Télécharger ma plaquette (PDF)")
    expect(download_link).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename == f"plaquette-{profile.slug}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert Brochure.objects.get(profile=profile).status == Brochure.Status.READY

    # An anonymous visitor finds the member in the directory, by trade.
    visitor = open_browser().page
    visitor.goto("/annuaire/")
    assert_accessible(visitor)
    visitor.get_by_label("Métier").fill("graph")
    visitor.get_by_role("button", name="Chercher").click()
    expect(visitor).to_have_url(re.compile(r"/annuaire/\?.*trade=graph"))
    result = visitor.get_by_role("link", name=member.display_name)
    expect(result).to_be_visible()
    assert_accessible(visitor)
    result.click()

    expect(visitor).to_have_url(re.compile(rf"{re.escape(public_url)}$"))
    expect(visitor.get_by_role("heading", level=1)).to_have_text(member.display_name)
    assert_accessible(visitor)
    assert member.email not in visitor.content()
    visitor.get_by_label("Votre nom").fill("Paul Visiteur")
    visitor.get_by_label("Votre adresse e-mail").fill("paul.visiteur@exemple.test")
    visitor.get_by_label("Votre message").fill("Bonjour, il nous faudrait une affiche pour notre fête de quartier.")
    visitor.get_by_role("button", name="Envoyer").click()

    expect(visitor).to_have_url(re.compile(rf"{re.escape(public_url)}$"))
    expect(visitor.get_by_text("Message envoyé. Merci !")).to_be_visible()
    assert_accessible(visitor)
    assert member.email not in visitor.content()

    message = ContactMessage.objects.get(profile=profile)
    assert (message.sender_name, message.sender_email) == ("Paul Visiteur", "paul.visiteur@exemple.test")
    sent = [m for m in mail.outbox if member.email in m.to]
    assert len(sent) == 1
    assert sent[0].to == [member.email]
    assert sent[0].reply_to == ["paul.visiteur@exemple.test"]
    assert "fête de quartier" in sent[0].body
