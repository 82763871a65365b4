"""Issue 22: the mini-site as a real personal site (what clients attested, credentials with their status, themes
within contrast, a print stylesheet, portfolio previews), shared well (Open Graph and Twitter card with a generated
image, schema.org JSON-LD, a vCard, noindex until published), and the directory's cards."""

import datetime
import io
import json
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from compagnons.apprenticeship.models import private_storage
from compagnons.credentials import services as credentials
from compagnons.missions import services as missions
from compagnons.missions.models import Attestation, Mission, WorkerProfile
from compagnons.showcase import services, share, site
from compagnons.showcase.models import Profile
from compagnons.skills.models import Certification
from tests.factories import UserFactory
from tests.factories.missions import MissionFactory

pytestmark = pytest.mark.django_db

CSS = Path(__file__).resolve().parents[2] / "compagnons/showcase/static/showcase/showcase.css"
JSONLD = re.compile(r'<script type="application/ld\+json" nonce="([^"]+)">(.*?)</script>', re.S)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"


@pytest.fixture
def page(compagnon):
    compagnon.trade, compagnon.region = "Graphisme", "BRE"
    compagnon.save(update_fields=["trade", "region"])
    profile = services.profile_of(compagnon)
    profile.headline = "Graphiste pour les associations"
    profile.audience = "Les associations de quartier"
    profile.save()
    services.add_service(profile, by=compagnon, title="Logo", price_cents=90000, unit="fixed", hours=24)
    return profile


@pytest.fixture
def published(page, compagnon):
    return services.publish(page, by=compagnon)


def png(size=(900, 600), colour="teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def issue(member, key: str, name: str):
    return credentials.issue(
        member=member,
        achievement_type="Competency",
        achievement_key=key,
        name=name,
        description="x",
        criteria="x",
        alignments=[],
        evidence=member,
        evidence_url="https://x.test/d",
        evidence_name="d",
    )


def attest_mission(member, client_user, formateur, competences, n: int = 0) -> Mission:
    """A mission taken through the mission bank's services to the client's attestation (« oui » for each)."""
    WorkerProfile.objects.get_or_create(member=member, defaults={"legal_status": "micro", "siret": "73282932000074"})
    mission = MissionFactory(
        client=client_user,
        title=f"Une affiche n°{n}",
        context="Une association de quartier.",
        deliverables="Une affiche.",
        competences=competences,
        qualified_by=formateur,
        worker=member,
        closed=True,
    )
    missions.attest(mission, dict.fromkeys([c.pk for c in competences], "yes"), by=client_user)
    return mission


def public_html(client, profile) -> str:
    response = client.get(reverse("showcase:public", args=[profile.slug]))
    assert response.status_code == 200
    return response.content.decode()


def jsonld_of(response) -> dict:
    html = response.content.decode()
    (nonce, text), *_others = JSONLD.findall(html)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    return json.loads(text)


# --- 1. What clients attested, by name; credentials with their status ----------------------------


def test_attested_competences_show_by_name_with_count_and_period(
    client, published, compagnon, client_user, formateur, monkeypatch
):
    competence = Certification.objects.current().competences.order_by("pk").first()
    last_year = timezone.now() - datetime.timedelta(days=366)
    field = Attestation._meta.get_field("created_at")
    monkeypatch.setattr(field, "_get_default", lambda: last_year)  # the clock, a year back, for the first one
    attest_mission(compagnon, client_user, formateur, [competence], n=1)
    monkeypatch.undo()
    attest_mission(compagnon, client_user, formateur, [competence], n=2)
    attest_mission(compagnon, client_user, formateur, [competence], n=3)

    html = public_html(client, published)
    period = f"{timezone.localtime(last_year).year}–{timezone.localdate().year}"
    assert f"<strong>{competence.label}</strong> —\n" in html
    assert f"attestée 3 fois, {period}" in html
    assert f"{competence.code} (" not in html  # never « C1.1 (3) »


def test_one_attestation_says_once_and_one_year(client, published, compagnon, client_user, formateur):
    competence = Certification.objects.current().competences.order_by("pk").first()
    attest_mission(compagnon, client_user, formateur, [competence])
    assert f"attestée une fois, {timezone.localdate().year}" in public_html(client, published)


def test_credentials_show_by_title_with_status_and_verification_link(client, published, compagnon, formateur):
    valid = issue(compagnon, "t/BC01", "Bloc 1 — Se présenter et vendre ses services")
    revoked = issue(compagnon, "t/BC02", "Bloc 2 — Organiser son travail à distance")
    credentials.revoke(revoked, by=formateur, reason="Délivré par erreur")

    html = public_html(client, published)
    assert "Bloc 1 — Se présenter et vendre ses services" in html
    assert "Bloc 2 — Organiser son travail à distance" in html
    assert "Valide" in html and "Révoqué" in html
    for credential in (valid, revoked):
        assert f'href="{reverse("credentials:verify", args=[credential.uuid])}"' in html


# --- 2. Themes, print, photo, prices, portfolio ------------------------------------------------


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def theme_colours() -> dict[str, dict[str, str]]:
    css = CSS.read_text()
    themes = {}
    for name, body in re.findall(r"\.showcase\.theme-([a-z]+) \{(.*?)\}", css, re.S):
        themes[name] = dict(re.findall(r"--sc-([a-z-]+):\s*(#[0-9a-fA-F]{6});", body))
    return themes


def test_the_contrast_check_is_right():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54  # the classic AA edge


def test_every_theme_declares_its_colours_and_each_text_reaches_aa():
    from compagnons.showcase.models import Theme

    themes = theme_colours()
    assert set(themes) == set(Theme.values)
    pairs = [(fg, bg) for fg in ("text", "muted", "accent", "link") for bg in ("bg", "surface")] + [
        ("on-accent", "accent")
    ]
    for name, colours in themes.items():
        for fg, bg in pairs:
            ratio = contrast(colours[fg], colours[bg])
            assert ratio >= 4.5, f"{name}: {fg} on {bg} is {ratio:.2f}:1"
        assert contrast("#a1221a", colours["surface"]) >= 4.5  # « Révoqué »


def test_the_share_image_colours_reach_aa_too():
    for background, accent, ink in share.SHARE_COLOURS.values():
        assert contrast(ink, background) >= 4.5
        assert contrast(accent, background) >= 4.5


def test_the_page_has_its_stylesheet_with_print_rules_and_no_external_resource(client, published):
    html = public_html(client, published)
    assert 'href="/static/showcase/showcase.css"' in html
    css = CSS.read_text()
    assert "@media print" in css
    assert "@import" not in css and "url(" not in css and "http" not in css.replace('a[href^="http"]', "")
    assert re.search(r'<section aria-labelledby="titre-contact" class="sc-noprint">', html)


def test_theme_photo_and_fair_prices_on_the_page(client, published, compagnon):
    services.set_theme(published, "chaleureux", by=compagnon)
    services.set_photo(published, SimpleUploadedFile("moi.png", png()), by=compagnon)
    published.refresh_from_db()
    html = public_html(client, published)
    assert 'class="showcase theme-chaleureux"' in html
    assert f'src="{published.photo.url}"' in html and 'class="showcase-photo"' in html
    assert "900 €" in html and "forfait" in html and "pour 24 heures de travail" in html


def test_portfolio_images_get_a_thumbnail_and_pdfs_a_labelled_link(
    client, published, compagnon, django_capture_on_commit_callbacks
):
    image = services.add_portfolio_item(
        published, by=compagnon, title="Affiche du festival", upload=SimpleUploadedFile("a.png", png((2400, 1800)))
    )
    pdf = services.add_portfolio_item(
        published, by=compagnon, title="Plaquette", upload=SimpleUploadedFile("p.pdf", b"%PDF-1.4 x")
    )
    with Image.open(image.thumbnail.path) as thumbnail:
        assert max(thumbnail.size) == 480
    assert not pdf.thumbnail
    html = public_html(client, published)
    assert f'src="{image.thumbnail.url}"' in html and f'href="{image.file.url}"' in html
    assert 'alt="Aperçu : Affiche du festival (agrandir)"' in html
    assert f'<a href="{pdf.file.url}" type="application/pdf"><span class="sc-file-label">PDF</span>' in html
    assert "Lire « Plaquette »" in html

    storage, name = image.thumbnail.storage, image.thumbnail.name
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_portfolio_item(published, image.pk, by=compagnon)
    assert not storage.exists(name)


# --- 3. Shared well -----------------------------------------------------------------------------


def test_open_graph_and_twitter_tags_and_the_image_answers_png(client, published):
    html = public_html(client, published)
    for tag in (
        'property="og:title"',
        'property="og:description"',
        'property="og:type" content="profile"',
        'property="og:url"',
        'property="og:image"',
        'name="twitter:card" content="summary_large_image"',
        'name="twitter:image"',
    ):
        assert tag in html
    image_url = re.search(r'property="og:image" content="([^"]+)"', html).group(1)
    assert image_url.startswith("http://testserver/c/")
    response = client.get(image_url.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.size == (1200, 630) and image.format == "PNG"


def test_the_share_image_is_cached_and_redrawn_when_the_page_changes(client, published, compagnon, monkeypatch):
    drawn = []
    draw = share.draw_share_image
    monkeypatch.setattr(share, "draw_share_image", lambda profile: drawn.append(1) or draw(profile))
    url = reverse("showcase:share_image", args=[published.slug])
    first = client.get(url).content
    assert client.get(url).content == first
    assert len(drawn) == 1
    old = re.search(r'og:image" content="([^"]+)"', public_html(client, published)).group(1)

    published.headline = "Affiches et logos pour les associations"
    published.save()
    services.set_photo(published, SimpleUploadedFile("moi.png", png()), by=compagnon)
    new = re.search(r'og:image" content="([^"]+)"', public_html(client, published)).group(1)
    assert new != old  # another address: shared links pick up the new image
    assert client.get(url).content != first
    assert len(drawn) == 2
    assert len(private_storage.listdir(f"share/{published.pk}")[1]) == 1  # the old one is gone


def test_the_jsonld_is_a_person_with_the_valid_credentials(client, published, compagnon, formateur):
    valid = issue(compagnon, "t/BC01", "Bloc 1 — Se présenter")
    revoked = issue(compagnon, "t/BC02", "Bloc 2 — Organiser")
    credentials.revoke(revoked, by=formateur, reason="Erreur")
    response = client.get(reverse("showcase:public", args=[published.slug]))
    data = jsonld_of(response)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Person"
    assert data["name"] == "Jean-Pierre Dubois"
    assert data["jobTitle"] == "Graphiste pour les associations"
    assert data["url"] == f"http://testserver/c/{published.slug}/"
    assert [c["name"] for c in data["hasCredential"]] == [valid.name]
    assert data["hasCredential"][0]["url"] == credentials.page_url(valid)
    assert data["makesOffer"][0]["priceSpecification"]["price"] == "900.00"
    assert compagnon.email not in json.dumps(data)


def test_the_jsonld_cannot_be_closed_by_what_a_member_types(client, published):
    published.headline = 'Graphiste </script><script>alert("x")</script> & co'
    published.save()
    response = client.get(reverse("showcase:public", args=[published.slug]))
    html = response.content.decode()
    assert '<script>alert("x")' not in html
    assert jsonld_of(response)["jobTitle"] == published.headline


def test_the_vcard_has_the_page_but_never_the_email(client, published, compagnon):
    services.set_photo(published, SimpleUploadedFile("moi.png", png()), by=compagnon)
    published.refresh_from_db()
    response = client.get(reverse("showcase:vcard", args=[published.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{published.slug}.vcf"'
    text = response.content.decode()
    lines = text.split("\r\n")
    assert lines[:3] == ["BEGIN:VCARD", "VERSION:4.0", "KIND:individual"] and lines[-2:] == ["END:VCARD", ""]
    assert "FN:Jean-Pierre Dubois" in lines and "N:Dubois;Jean-Pierre;;;" in lines
    assert "TITLE:Graphiste pour les associations" in lines
    assert f"URL:http://testserver/c/{published.slug}/" in lines
    assert f"PHOTO:http://testserver{published.photo.url}" in lines
    assert compagnon.email not in text and "EMAIL" not in text
    # the page links to it
    assert f'href="{reverse("showcase:vcard", args=[published.slug])}"' in public_html(client, published)


def test_vcard_escapes_and_folds_long_values():
    profile = Profile(slug="x", headline="Rédaction, traduction; relecture " * 4)
    profile.member = UserFactory.build(first_name="Zoé", last_name="Ça")
    text = site.vcard(profile, page_url="https://x.test/c/x/", photo_url="")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert "TITLE:Rédaction\\, traduction\\; relecture" in unfolded


def test_a_member_without_a_name_never_shares_the_email(client, published, compagnon):
    compagnon.first_name = compagnon.last_name = ""
    compagnon.save(update_fields=["first_name", "last_name"])
    for name in ("showcase:public", "showcase:vcard"):
        assert compagnon.email not in client.get(reverse(name, args=[published.slug])).content.decode()
    assert site.public_name(compagnon) == "Membre des compagnons"


def test_noindex_on_the_preview_and_not_on_the_published_page(client, page, compagnon):
    client.force_login(compagnon)
    preview = client.get(reverse("showcase:preview"))
    assert preview["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in preview.content.decode()
    assert client.get(reverse("showcase:step", args=[1]))["X-Robots-Tag"] == "noindex, nofollow"

    services.publish(page, by=compagnon)
    public = client.get(reverse("showcase:public", args=[page.slug]))
    assert "X-Robots-Tag" not in public
    assert "noindex" not in public.content.decode()


def test_an_unpublished_page_is_refused_to_a_stranger_everywhere(client, page, compagnon, outsider):
    client.force_login(outsider)
    for name in ("showcase:public", "showcase:vcard", "showcase:share_image"):
        assert client.get(reverse(name, args=[page.slug])).status_code == 404
    preview = client.get(reverse("showcase:preview"))  # a stranger's preview is their own: they have none
    assert preview.status_code == 404
    client.logout()
    assert client.get(reverse("showcase:preview")).status_code == 302
    assert client.get(reverse("showcase:vcard", args=[page.slug])).status_code == 404


def test_taking_the_page_down_deletes_its_share_image(client, published, compagnon, django_capture_on_commit_callbacks):
    assert client.get(reverse("showcase:share_image", args=[published.slug])).status_code == 200
    assert private_storage.listdir(f"share/{published.pk}")[1]
    with django_capture_on_commit_callbacks(execute=True):
        services.unpublish(published, by=compagnon)
    assert not private_storage.listdir(f"share/{published.pk}")[1]
    assert client.get(reverse("showcase:share_image", args=[published.slug])).status_code == 404


def test_erasing_the_account_deletes_thumbnails_and_share_images(client, published, compagnon):
    from compagnons.accounts import services as accounts

    item = services.add_portfolio_item(
        published, by=compagnon, title="Affiche", upload=SimpleUploadedFile("a.png", png())
    )
    thumbnail = item.thumbnail.path
    client.get(reverse("showcase:share_image", args=[published.slug]))
    accounts.erase_account(compagnon, by=compagnon)
    assert not Path(thumbnail).exists()
    assert not private_storage.listdir(f"share/{published.pk}")[1]


def test_the_public_page_runs_a_bounded_number_of_queries(
    client, published, compagnon, client_user, formateur, django_assert_max_num_queries
):
    url = reverse("showcase:public", args=[published.slug])
    with django_assert_max_num_queries(13):  # +1: the titles, +1: the recommendations of other houses (issue 20)
        client.get(url)
    competences = list(Certification.objects.current().competences.order_by("pk")[:3])
    for n in range(3):
        attest_mission(compagnon, client_user, formateur, competences, n=n)
    for n in range(4):
        issue(compagnon, f"t/BC0{n}", f"Bloc {n}")
        services.add_portfolio_item(published, by=compagnon, title=f"Affiche {n}", link="https://x.test/")
        services.add_service(published, by=compagnon, title=f"Service {n}", price_cents=3000, unit="hour")
    with django_assert_max_num_queries(13):
        assert client.get(url).status_code == 200


def test_the_preview_stays_within_15_queries_whatever_the_page_holds(
    client, published, compagnon, client_user, formateur, django_assert_max_num_queries
):
    """Issue 21: the record's chosen applications in one query (applicant or binôme partner), its testimonials'
    visibility in the same query as the testimonials (no prefetch when there are some), and the attested
    compétences read once (by recognitions, with their years): the same queries for an empty page and a full one."""
    client.force_login(compagnon)
    url = reverse("showcase:preview")
    client.get(url)  # the charter's current version, cached from then on
    with django_assert_max_num_queries(15) as empty:
        assert client.get(url).status_code == 200
    competences = list(Certification.objects.current().competences.order_by("pk")[:3])
    for n in range(3):
        mission = attest_mission(compagnon, client_user, formateur, competences, n=n)
        missions.write_testimonial(mission, by=client_user, text=f"Très bien n°{n}")
        missions.write_testimonial(mission, by=compagnon, text=f"Merci n°{n}")
    for n in range(4):
        issue(compagnon, f"t/BC0{n}", f"Bloc {n}")
        services.add_portfolio_item(published, by=compagnon, title=f"Affiche {n}", link="https://x.test/")
        services.add_service(published, by=compagnon, title=f"Service {n}", price_cents=3000, unit="hour")
    with django_assert_max_num_queries(15) as full:
        html = client.get(url).content.decode()
    assert len(full.captured_queries) == len(empty.captured_queries)
    assert "Très bien n°2" in html  # both sides wrote: the testimonial shows


# --- 4. The directory's cards -------------------------------------------------------------------


def test_directory_cards_show_photo_headline_titles_and_attested_competences(
    client, published, compagnon, client_user, formateur
):
    services.set_photo(published, SimpleUploadedFile("moi.png", png()), by=compagnon)
    published.refresh_from_db()
    competence = Certification.objects.current().competences.order_by("pk").first()
    attest_mission(compagnon, client_user, formateur, [competence])
    issue(compagnon, "t/BC01", "Bloc 1 — Se présenter")
    credentials.revoke(issue(compagnon, "t/BC02", "Bloc 2 — Révoqué"), by=formateur, reason="Erreur")

    html = client.get(reverse("showcase:directory")).content.decode()
    assert f'src="{published.photo.url}"' in html
    assert "Graphiste pour les associations" in html
    assert "Bloc 1 — Se présenter" in html and "Bloc 2 — Révoqué" not in html
    assert competence.label in html and f"une fois, {timezone.localdate().year}" in html
    assert "★" not in html and "étoile" not in html.replace("jamais d'étoiles", "")


def test_the_directory_query_count_does_not_grow_with_cards(
    client, client_user, formateur, django_assert_max_num_queries
):
    competence = Certification.objects.current().competences.order_by("pk").first()

    def add_member(n: int):
        member = UserFactory(compagnon=True, trade="Graphisme")
        profile = services.profile_of(member)
        profile.headline = f"Profil {n}"
        profile.save()
        services.add_service(profile, by=member, title="Logo", price_cents=3000, unit="hour")
        services.publish(profile, by=member)
        issue(member, "t/BC01", f"Titre {n}")
        attest_mission(member, client_user, formateur, [competence], n=n)

    add_member(0)
    with django_assert_max_num_queries(8):
        client.get(reverse("showcase:directory"))
    for n in range(1, 6):
        add_member(n)
    with django_assert_max_num_queries(8):
        html = client.get(reverse("showcase:directory")).content.decode()
    assert html.count("Profil ") == 6 and html.count("Titre ") == 6


def test_directory_cards_link_each_page_and_escape_what_members_wrote(client, page, compagnon):
    """The cards are written in Python (showcase/cards.py): each name links to its own page, and
    whatever a member typed is escaped, as the template did."""
    compagnon.first_name = "<b>Jo</b>"
    compagnon.save(update_fields=["first_name"])
    page.headline = "<script>alert(1)</script> & co"
    page.save()
    services.publish(page, by=compagnon)
    other = UserFactory(compagnon=True, first_name="Ana", last_name="Roux", trade="", region="OCC")
    theirs = services.profile_of(other)
    theirs.headline = "Secrétariat"
    theirs.save()
    services.add_service(theirs, by=other, title="Courriers", price_cents=3000, unit="hour")
    services.publish(theirs, by=other)
    for n in range(1, 5):
        issue(compagnon, f"t/BC0{n}", f"Bloc {n} <i>")

    html = client.get(reverse("showcase:directory")).content.decode()
    assert f'<a href="{page.get_absolute_url()}">&lt;b&gt;Jo&lt;/b&gt; Dubois</a>' in html
    assert f'<a href="{theirs.get_absolute_url()}">Ana Roux</a>' in html
    assert '<span class="directory-initial" aria-hidden="true">&lt;</span>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html and "<script>alert" not in html
    assert "<small>Graphisme · Bretagne</small>" in html and "<small>Occitanie</small>" in html
    assert html.count("<li>Bloc ") == 3 and "Bloc 4 &lt;i&gt;" in html  # the newest three titles
    assert "<strong>Titres vérifiés :</strong>" in html


def test_directory_cards_are_cached_until_what_they_show_changes(
    client, published, settings, django_capture_on_commit_callbacks
):
    """Each card is kept apart (showcase.cards.page_of_cards): a search still matches its pages each time, but
    takes the cards it shows from the process — until a title is issued to one of them, even the card computed with
    another's queries."""
    settings.FRAGMENT_CACHE = True
    cache.clear()
    other = UserFactory(compagnon=True, first_name="Ana", last_name="Roux", trade="Graphisme")
    theirs = services.profile_of(other)
    theirs.headline = "Affiches"
    theirs.save()
    services.add_service(theirs, by=other, title="Affiche", price_cents=3000, unit="hour")
    url = reverse("showcase:directory") + "?trade=graph"
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(theirs, by=other)
    client.get(url)  # the cards computed and kept
    with CaptureQueriesContext(connection) as read:
        response = client.get(url)
    shown = [query["sql"] for query in read.captured_queries]
    assert not [sql for sql in shown if "credentials_issuedcredential" in sql or "missions_attestation" in sql]
    ids = response.context["page"].object_list
    assert sorted(ids) == sorted([published.pk, theirs.pk])

    last = Profile.objects.get(pk=ids[-1])  # its card came with the first one's queries
    with django_capture_on_commit_callbacks(execute=True):
        issue(last.member, "t/BC01", "Bloc 1 — Se présenter")
    html = client.get(url).content.decode()
    assert html.count("Bloc 1 — Se présenter") == 1 and html.count("Graphisme") == 2
    cache.clear()


def test_directory_cards_speak_the_visitors_language(client, published):
    from django.utils import translation

    with translation.override("en"):
        issue(published.member, "t/BC01", "Bloc 1")
        from compagnons.showcase.cards import page_of_cards

        html = page_of_cards([published.pk])
    assert "<strong>Verified credentials:</strong>" in html
