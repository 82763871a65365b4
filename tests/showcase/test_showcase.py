import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.ledger.models import Transaction
from compagnons.showcase import directory, services
from compagnons.showcase.models import Brochure, ContactMessage, Pitch, Profile, Service
from compagnons.showcase.tasks import build_brochure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"


@pytest.fixture
def page(compagnon):
    profile = services.profile_of(compagnon)
    profile.headline = "Graphiste pour les associations"
    profile.audience = "Associations"
    profile.save()
    Service.objects.create(profile=profile, title="Logo", price_cents=90000, unit="fixed", hours=24)
    return profile


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (2400, 1800), "green")
    exif = Image.Exif()
    exif[0x010F] = "Appareil-secret"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


class TestPublication:
    def test_publish_needs_a_headline_and_a_service_then_unpublish_hides_it(self, client, compagnon):
        profile = services.profile_of(compagnon)
        with pytest.raises(InvalidTransition):
            services.publish(profile, by=compagnon)
        profile.headline = "Télésecrétaire"
        profile.save()
        Service.objects.create(profile=profile, title="Standard", price_cents=3000, unit="hour")
        services.publish(profile, by=compagnon)
        assert client.get(reverse("showcase:public", args=[profile.slug])).status_code == 200
        services.unpublish(profile, by=compagnon)
        assert client.get(reverse("showcase:public", args=[profile.slug])).status_code == 404

    def test_only_the_owner_publishes(self, page, outsider):
        with pytest.raises(PermissionRefused):
            services.publish(page, by=outsider)

    def test_the_team_takes_a_page_down_and_no_one_else(self, page, compagnon, formateur, client_user):
        """core.permissions.is_team decides (the staff flag), not a role looked up here."""
        services.publish(page, by=compagnon)
        with pytest.raises(PermissionRefused):
            services.unpublish(page, by=client_user)
        formateur.is_staff = False
        with pytest.raises(PermissionRefused):
            services.unpublish(page, by=formateur)
        formateur.is_staff = True
        services.unpublish(page, by=formateur)
        page.refresh_from_db()
        assert not page.published

    def test_the_public_page_shows_credentials_and_record_but_never_the_email(self, client, page, compagnon):
        services.publish(page, by=compagnon)
        html = client.get(reverse("showcase:public", args=[page.slug])).content.decode()
        assert "Graphiste pour les associations" in html
        assert "og:title" in html
        assert compagnon.email not in html


class TestPrices:
    @pytest.mark.parametrize(
        ("cents", "unit", "hours", "ok"),
        [
            (2400, "hour", None, False),
            (2500, "hour", None, True),
            (17000, "day", None, False),
            (17500, "day", None, True),
            (30000, "fixed", 20, False),
            (50000, "fixed", 20, True),
        ],
    )
    def test_services_respect_the_fair_rate_floor(self, cents, unit, hours, ok):
        assert (services.service_problem(cents, unit, hours) is None) == ok

    def test_the_editor_explains_the_floor_and_keeps_the_input(self, client, compagnon):
        client.force_login(compagnon)
        response = client.post(
            reverse("showcase:step", args=[2]), {"title": "Saisie", "price": "10", "unit": "hour", "add": "1"}
        )
        html = response.content.decode()
        assert "plancher" in html and 'value="Saisie"' in html
        assert not Service.objects.exists()

    def test_the_service_layer_holds_the_floor_and_the_owner(self, page, compagnon):
        with pytest.raises(InvalidTransition):
            services.add_service(page, by=compagnon, title="Saisie", price_cents=1000, unit="hour")
        with pytest.raises(PermissionRefused):
            services.add_service(page, by=UserFactory(), title="Saisie", price_cents=3000, unit="hour")
        service = services.add_service(page, by=compagnon, title=" Saisie ", price_cents=3000, unit="hour")
        assert service.title == "Saisie"

    def test_removing_a_service_only_on_ones_own_page(self, client, page, compagnon):
        service = page.services.get()
        other = UserFactory(compagnon=True)
        with pytest.raises(PermissionRefused):
            services.remove_service(page, service.pk, by=other)
        client.force_login(other)
        client.post(reverse("showcase:step", args=[2]), {"delete_service": service.pk})
        assert Service.objects.filter(pk=service.pk).exists()
        client.force_login(compagnon)
        assert client.post(reverse("showcase:step", args=[2]), {"delete_service": "x"}).status_code == 302
        client.post(reverse("showcase:step", args=[2]), {"delete_service": service.pk})
        assert not Service.objects.filter(pk=service.pk).exists()


class TestUploads:
    def test_the_photo_is_resized_and_its_metadata_removed(self, page, compagnon):
        services.set_photo(page, SimpleUploadedFile("moi.jpg", jpeg_with_exif()), by=compagnon)
        stored = Image.open(page.photo.path)
        assert max(stored.size) <= 600
        assert not stored.getexif()

    @pytest.mark.parametrize(
        ("name", "content"), [("moi.jpg", b"MZ\x90\x00 not an image"), ("cv.pdf", b"%PDF-1.4 a pdf")]
    )
    def test_a_photo_must_be_an_image_by_content(self, page, compagnon, name, content):
        with pytest.raises(InvalidTransition):
            services.set_photo(page, SimpleUploadedFile(name, content), by=compagnon)
        page.refresh_from_db()
        assert not page.photo

    def test_portfolio_accepts_images_and_pdf_only(self, page, compagnon):
        services.add_portfolio_item(
            page, by=compagnon, title="Affiche", upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")
        )
        with pytest.raises(InvalidTransition):
            services.add_portfolio_item(
                page, by=compagnon, title="Virus", upload=SimpleUploadedFile("a.pdf", b"MZ\x90\x00")
            )
        assert page.portfolio.count() == 1

    def test_portfolio_files_get_unguessable_names(self, page, compagnon):
        item = services.add_portfolio_item(
            page, by=compagnon, title="Affiche", upload=SimpleUploadedFile("mon-cv.pdf", b"%PDF-1.4 x")
        )
        assert item.file.name.startswith("portfolio/")
        assert "mon-cv" not in item.file.name and "realisation" not in item.file.name
        assert len(item.file.name.removeprefix("portfolio/").removesuffix(".pdf")) == 32

    def test_removing_a_work_deletes_its_file_and_only_the_owner_can(
        self, client, page, compagnon, django_capture_on_commit_callbacks
    ):
        item = services.add_portfolio_item(
            page, by=compagnon, title="Affiche", upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")
        )
        storage, name = item.file.storage, item.file.name
        other = UserFactory(compagnon=True)
        with pytest.raises(PermissionRefused):
            services.remove_portfolio_item(page, item.pk, by=other)
        client.force_login(other)
        client.post(reverse("showcase:step", args=[4]), {"delete_item": item.pk})
        assert page.portfolio.filter(pk=item.pk).exists()
        client.force_login(compagnon)
        response = client.post(reverse("showcase:step", args=[4]), {"delete_item": "pas-un-nombre"})
        assert response.status_code == 302
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("showcase:step", args=[4]), {"delete_item": item.pk})
        assert not page.portfolio.filter(pk=item.pk).exists()
        assert not storage.exists(name)


class TestContact:
    def test_a_visitor_writes_the_member_gets_it_the_address_stays_hidden(
        self, client, page, compagnon, django_capture_on_commit_callbacks
    ):
        services.publish(page, by=compagnon)
        url = reverse("showcase:public", args=[page.slug])
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                url,
                {
                    "contact": "1",
                    "sender_name": "Mme Laurent",
                    "sender_email": "laurent@exemple.test",
                    "body": "Un logo ?",
                },
            )
        assert ContactMessage.objects.count() == 1
        assert mail.outbox[0].to == [compagnon.email]
        assert mail.outbox[0].reply_to == ["laurent@exemple.test"]
        assert compagnon.email not in client.get(url).content.decode()

    def test_the_honeypot_refuses_bots(self, client, page, compagnon):
        services.publish(page, by=compagnon)
        client.post(
            reverse("showcase:public", args=[page.slug]),
            {
                "contact": "1",
                "sender_name": "Bot",
                "sender_email": "b@b.test",
                "body": "spam",
                "website": "http://spam",
            },
        )
        assert not ContactMessage.objects.exists()

    def test_contact_is_rate_limited(self, page, compagnon):
        for _ in range(services.CONTACTS_PER_IP_PER_HOUR):
            services.send_contact(page, name="A", email="a@a.test", body="x", ip="10.0.0.9")
        with pytest.raises(InvalidTransition):
            services.send_contact(page, name="A", email="a@a.test", body="x", ip="10.0.0.9")
        assert ContactMessage.objects.count() == services.CONTACTS_PER_IP_PER_HOUR


class TestReviews:
    def test_a_compagnon_reviews_the_page_and_the_pitch_and_it_counts_as_a_contribution(self, page, compagnon):
        reviewer = UserFactory(compagnon=True)
        with pytest.raises(InvalidTransition):
            services.ask_page_review(page, UserFactory(), by=compagnon)
        services.ask_page_review(page, reviewer, by=compagnon)
        with pytest.raises(PermissionRefused):
            services.review_page(page, by=UserFactory(compagnon=True), comment="Moi aussi")
        services.review_page(page, by=reviewer, comment="Très clair.")
        pitch = services.save_pitch(compagnon, answers={"who": "Moi"}, text="Je suis graphiste.")
        services.ask_pitch_review(pitch, reviewer, by=compagnon)
        services.review_pitch(pitch, by=reviewer, comment="Ajoute un chiffre.", approve=False)
        assert Transaction.objects.filter(kind="review", beneficiary=reviewer).count() == 2
        second = services.save_pitch(compagnon, answers={"who": "Moi"}, text="Je suis graphiste : +30 % de clients.")
        assert second.version == 2 and Pitch.objects.filter(member=compagnon).count() == 2


class TestDirectory:
    def test_published_members_only_by_relevance_then_rotation_with_bounded_queries(
        self, client, django_assert_max_num_queries
    ):
        for i in range(6):
            member = UserFactory(compagnon=True, trade="Graphisme" if i % 2 else "Traduction")
            profile = services.profile_of(member)
            profile.headline = f"Profil {i}"
            profile.published = i != 5
            profile.save()
        # 8: the cards' verified titles and attested compétences are one query each (issue 22), whatever the page.
        with django_assert_max_num_queries(8):
            html = client.get(reverse("showcase:directory"), {"trade": "graph"}).content.decode()
        assert html.count("Profil ") == 2  # 1 and 3; 5 is not published
        first = [p.pk for p in directory.ranked()]
        import datetime

        other_day = [p.pk for p in directory.ranked(today=datetime.date(2030, 1, 2))]
        assert sorted(first) == sorted(other_day)

    def test_the_shared_pager_keeps_the_search(self, client):
        for i in range(25):
            profile = services.profile_of(UserFactory(compagnon=True, trade="Graphisme"))
            profile.headline, profile.published = f"Profil {i}", True
            profile.save()
        html = client.get(reverse("showcase:directory"), {"trade": "graph"}).content.decode()
        assert "Page 1 sur 2" in html
        assert "?trade=graph&amp;page=2" in html
        second = client.get(reverse("showcase:directory"), {"trade": "graph", "page": 2}).content.decode()
        assert second.count("Profil ") == 1 and "?trade=graph&amp;page=1" in second


class TestBrochure:
    def test_the_brochure_is_a_real_pdf_with_the_name_and_credential_links(self, client, page, compagnon):
        from pypdf import PdfReader

        from compagnons.credentials import services as credentials

        credential = credentials.issue(
            member=compagnon,
            achievement_type="Competency",
            achievement_key="t/BC01",
            name="BC01 — Se présenter",
            description="x",
            criteria="x",
            alignments=[],
            evidence=compagnon,
            evidence_url="https://x.test/d",
            evidence_name="d",
        )
        brochure = services.request_brochure(page, by=compagnon)
        build_brochure.call(brochure.pk)
        brochure.refresh_from_db()
        assert brochure.status == Brochure.Status.READY
        client.force_login(compagnon)
        pdf = b"".join(client.get(reverse("showcase:brochure_file")).streaming_content)
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
        assert compagnon.display_name in text
        assert f"/verifier/{credential.uuid}/" in text.replace("\n", "")

    def test_it_is_cached_until_the_profile_changes(self, page, compagnon):
        brochure = services.request_brochure(page, by=compagnon)
        build_brochure.call(brochure.pk)
        again = services.request_brochure(page, by=compagnon)
        assert again.status == Brochure.Status.READY
        Profile.objects.filter(pk=page.pk).update(headline="Nouveau")
        page.refresh_from_db()
        page.save()
        assert services.request_brochure(page, by=compagnon).status == Brochure.Status.PENDING

    def test_only_the_owner_downloads_it(self, client, page, compagnon):
        brochure = services.request_brochure(page, by=compagnon)
        build_brochure.call(brochure.pk)
        client.force_login(UserFactory(compagnon=True))
        assert client.get(reverse("showcase:brochure_file")).status_code == 404

    def test_the_page_polls_while_it_is_built_then_offers_the_pdf_and_says_when_it_is_stale(
        self, client, page, compagnon
    ):
        client.force_login(compagnon)
        url = reverse("showcase:brochure")
        assert "Fabriquer ma plaquette" in client.get(url).content.decode()  # nothing yet: the form only
        brochure = services.request_brochure(page, by=compagnon)  # the task waits for the commit
        html = client.get(url).content.decode()
        assert f'hx-get="{url}"' in html and "Fabrication en cours" in html
        assert "Fabriquer ma plaquette" not in html  # no second build while one is on its way
        build_brochure.call(brochure.pk)
        brochure.refresh_from_db()
        assert brochure.ready and brochure.finished_at is not None
        assert brochure.file.name == f"brochures/plaquette-{page.slug}.pdf"
        html = client.get(url).content.decode()
        assert "Télécharger ma plaquette (PDF)" in html and reverse("showcase:brochure_file") in html
        assert "hx-get" not in html and "Fabriquer ma plaquette" in html
        assert "Votre page a changé depuis" not in html
        Profile.objects.filter(pk=page.pk).update(headline="Nouveau")
        page.refresh_from_db()
        page.save()
        assert "Votre page a changé depuis : refaites la plaquette." in client.get(url).content.decode()

    def test_a_failed_build_says_so_and_can_be_tried_again(self, client, page, compagnon, monkeypatch):
        from compagnons.showcase import brochure as brochures

        def broken(brochure, progress):
            raise RuntimeError("WeasyPrint is down")

        monkeypatch.setattr(brochures, "make", broken)
        brochure = services.request_brochure(page, by=compagnon)
        with pytest.raises(RuntimeError):
            build_brochure.call(brochure.pk)
        brochure.refresh_from_db()
        assert brochure.status == Brochure.Status.FAILED
        client.force_login(compagnon)
        html = client.get(reverse("showcase:brochure")).content.decode()
        assert "La fabrication a échoué" in html and "Fabriquer ma plaquette" in html
        assert client.get(reverse("showcase:brochure_file")).status_code == 404
        assert services.request_brochure(page, by=compagnon).status == Brochure.Status.PENDING


def test_erasing_the_account_takes_the_page_down(client, page, compagnon):
    from compagnons.accounts import services as accounts

    services.publish(page, by=compagnon)
    accounts.erase_account(compagnon, by=compagnon)
    assert not Profile.objects.filter(pk=page.pk).exists()
    assert client.get(reverse("showcase:public", args=[page.slug])).status_code == 404


def test_directory_puts_proven_competences_first(formateur):
    from compagnons.skills.models import Certification
    from tests.factories import judge_by_jury

    competence = Certification.objects.current().competences.filter(block__isnull=False).first()
    plain, proven = UserFactory(compagnon=True), UserFactory(compagnon=True)
    for member in (plain, proven):
        profile = services.profile_of(member)
        profile.headline, profile.published = "x", True
        profile.save()
    # Through the jury itself (certification's services), never a hand-written « jury » assessment.
    judge_by_jury(proven, by=formateur, validated=[competence.block])
    assert next(p.member for p in directory.ranked()) == proven
    assert [p.member for p in directory.ranked(competence=competence)] == [proven]


class TestReviewerForm:
    def test_prefilled_with_the_members_mentor(self, apprenti, compagnon):
        from compagnons.showcase.forms import ReviewerForm
        from tests.factories.apprenticeship import pair

        pair(apprenti, compagnon, by=UserFactory(formateur=True))
        assert ReviewerForm(member=apprenti).initial["email"] == compagnon.email
        assert "email" not in ReviewerForm(member=UserFactory()).initial

    def test_only_another_active_compagnon(self, apprenti, compagnon):
        from compagnons.showcase.forms import ReviewerForm

        ok = ReviewerForm({"email": compagnon.email.upper()}, member=apprenti)
        assert ok.is_valid(), ok.errors
        assert ok.cleaned_data["reviewer"] == compagnon
        for email in (apprenti.email, "inconnu@example.org", UserFactory().email):
            form = ReviewerForm({"email": email}, member=apprenti)
            assert not form.is_valid()
            assert form.errors["email"] == ["Aucun autre compagnon n'a cette adresse."]
        assert not ReviewerForm({"email": compagnon.email}, member=compagnon).is_valid()
