"""Several sites on one instance (issue 19, docs/sites.md)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from compagnons.accounts.models import User
from compagnons.core import sites
from compagnons.core.models import AuditLog, Site, SiteHost
from compagnons.missions.notifications import send_digest
from tests.factories import UserFactory
from tests.factories.missions import MissionFactory

pytestmark = pytest.mark.django_db

HOSTS = ["127.0.0.1", "localhost", "testserver", "sud.example", "allowed-no-site.example"]


@pytest.fixture(autouse=True)
def _fresh_sites(settings, db):
    settings.ALLOWED_HOSTS = HOSTS
    sites.clear_cache()
    yield
    # Forget this test's sites, then warm the default site again (before the rollback: the same rows as after
    # it), so that the next tests' query counts do not pay for a cold lookup.
    sites.clear_cache()
    for host in ("testserver", "127.0.0.1", "localhost"):
        sites.site_for_host(host)


@pytest.fixture
def sud(formateur):
    site = Site(
        name="Compagnons du Sud",
        tagline="au soleil",
        primary_colour="#9a3412",
        accent_colour="#1d4ed8",
        home_text="Bienvenue **dans le Sud**.",
        email_sender="Sud <sud@sud.example>",
        footer_text="Pied du Sud",
    )
    return sites.save_site(site, hosts=["sud.example"], by=formateur)


class TestBranding:
    def test_two_hosts_get_two_brandings_from_one_process(self, client, sud):
        default = client.get("/", HTTP_HOST="testserver").content.decode()
        south = client.get("/", HTTP_HOST="sud.example").content.decode()

        assert "Compagnons du Sud" in south and "Compagnons du Sud" not in default
        assert "--site-primary: #9a3412" in south and "#9a3412" not in default
        assert "<strong>dans le Sud</strong>" in south and "dans le Sud" not in default
        assert "Pied du Sud" in south and "Pied du Sud" not in default
        assert "au soleil" in south
        assert "Solidarité, travail, fraternité" in default

    def test_the_colours_are_in_a_nonced_style(self, client, sud):
        response = client.get("/", HTTP_HOST="sud.example")
        nonce = response.context["csp_nonce"]
        assert f'<style nonce="{nonce}">:root {{ --site-primary: #9a3412;' in response.content.decode()

    def test_an_allowed_host_without_a_site_gets_the_default_site(self, client, sud):
        response = client.get("/", HTTP_HOST="allowed-no-site.example")
        assert response.status_code == 200
        assert response.wsgi_request.site.is_default

    def test_an_unknown_host_is_refused(self, client, sud):
        assert client.get("/", HTTP_HOST="evil.example").status_code == 400

    def test_a_saved_site_shows_at_once(self, client, sud, formateur):
        client.get("/", HTTP_HOST="sud.example")  # Warm the cache.
        sud.name = "Compagnons d'Occitanie"
        sites.save_site(sud, hosts=["sud.example"], by=formateur)
        assert "Compagnons d&#x27;Occitanie" in client.get("/", HTTP_HOST="sud.example").content.decode()

    def test_a_warm_site_lookup_costs_no_query(self, client, sud, django_assert_num_queries):
        client.get("/", HTTP_HOST="sud.example")
        sites._local.clear()  # Even without the process's copy: the shared cache answers.
        with django_assert_num_queries(0):
            assert sites.site_for_host("sud.example").name == "Compagnons du Sud"
        with django_assert_num_queries(0):
            client.get(reverse("core:robots"), HTTP_HOST="sud.example")

    def test_the_canonical_address_is_the_sites_own(self, client, sud):
        page = client.get(reverse("skills:referentiel") + "?x=1", HTTP_HOST="sud.example").content.decode()
        assert f'<link rel="canonical" href="http://sud.example{reverse("skills:referentiel")}">' in page


class TestRobotsAndSitemap:
    def test_each_host_names_its_own_sitemap(self, client, sud):
        south = client.get("/robots.txt", HTTP_HOST="sud.example")
        assert south["Content-Type"].startswith("text/plain")
        assert "Sitemap: http://sud.example/sitemap.xml" in south.content.decode()
        assert "Disallow: /equipe/" in south.content.decode()
        assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()

    def test_the_sitemap_lists_the_public_pages_on_the_hosts_address(self, client, sud, django_assert_max_num_queries):
        client.get("/sitemap.xml", HTTP_HOST="sud.example")
        with django_assert_max_num_queries(0):
            body = client.get("/sitemap.xml", HTTP_HOST="sud.example").content.decode()
        for name in ["core:home", "missions:list", "showcase:directory", "skills:referentiel", "outcomes:results"]:
            assert f"<loc>http://sud.example{reverse(name)}</loc>" in body
        assert "testserver" not in body


class TestStaffPages:
    @pytest.mark.parametrize("who", ["apprenti", "compagnon", "client_user"])
    def test_members_are_refused(self, client, request, who):
        client.force_login(request.getfixturevalue(who))
        assert client.get(reverse("core:site_list")).status_code == 403
        assert client.get(reverse("core:site_new")).status_code == 403
        assert client.post(reverse("core:site_new"), {"name": "X", "hosts": "x.example"}).status_code == 403
        assert not Site.objects.filter(name="X").exists()

    def test_anonymous_are_sent_to_login(self, client):
        assert client.get(reverse("core:site_list")).status_code == 302

    def test_staff_list_with_bounded_queries(self, client, formateur, sud, django_assert_max_num_queries):
        client.force_login(formateur)
        client.get(reverse("core:site_list"))
        with django_assert_max_num_queries(10):
            page = client.get(reverse("core:site_list")).content.decode()
        assert "Compagnons du Sud" in page and "sud.example" in page

    def test_staff_create_a_site_audited(self, client, formateur):
        client.force_login(formateur)
        data = {
            "name": "Nord",
            "tagline": "",
            "primary_colour": "#123456",
            "accent_colour": "#654321",
            "home_text": "",
            "email_sender": "",
            "footer_text": "",
            "default_language": "fr",
            "hosts": "nord.example\nwww.nord.example",
        }
        response = client.post(reverse("core:site_new"), data)
        assert response.status_code == 302
        site = Site.objects.get(name="Nord")
        assert sorted(site.hosts.values_list("host", flat=True)) == ["nord.example", "www.nord.example"]
        assert AuditLog.objects.filter(action="site.created", actor=formateur).exists()

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("primary_colour", "rouge", "#RRVVBB"),
            ("hosts", "https://nord.example:8000", "n&#x27;est pas un nom d&#x27;hôte"),
            ("hosts", "sud.example", "déjà ceux d&#x27;un autre site"),
            ("hosts", "  ", "au moins un hôte"),
        ],
    )
    def test_bad_input_is_refused_clearly(self, client, formateur, sud, field, value, message):
        client.force_login(formateur)
        data = {"name": "Nord", "primary_colour": "#123456", "accent_colour": "#654321", "default_language": "fr"}
        data.setdefault("hosts", "nord.example")
        data[field] = value
        response = client.post(reverse("core:site_new"), data)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Site.objects.filter(name="Nord").exists()

    def test_staff_edit_a_site_and_its_hosts(self, client, formateur, sud):
        client.force_login(formateur)
        page = client.get(reverse("core:site_edit", args=[sud.pk])).content.decode()
        assert "sud.example" in page
        data = {
            "name": "Sud",
            "primary_colour": "#123456",
            "accent_colour": "#654321",
            "default_language": "en",
            "hosts": "sud2.example",
        }
        assert client.post(reverse("core:site_edit", args=[sud.pk]), data).status_code == 302
        assert list(SiteHost.objects.filter(site=sud).values_list("host", flat=True)) == ["sud2.example"]
        assert AuditLog.objects.filter(action="site.changed").exists()


def _png(width=800, height=200) -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGBA", (width, height), (154, 52, 18, 255)).save(out, format="PNG")
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="10" height="10"/></svg>'


class TestLogo:
    @pytest.fixture(autouse=True)
    def _media(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path / "media"

    def _post(self, client, site, upload, **extra):
        data = {
            "name": site.name,
            "primary_colour": site.primary_colour,
            "accent_colour": site.accent_colour,
            "default_language": "fr",
            "hosts": "sud.example",
            **extra,
        }
        if upload is not None:
            data["new_logo"] = upload
        return client.post(reverse("core:site_edit", args=[site.pk]), data)

    def test_staff_upload_a_logo_shown_in_that_sites_header_only(self, client, formateur, sud):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from PIL import Image

        client.force_login(formateur)
        response = self._post(client, sud, SimpleUploadedFile("logo.png", _png(), "image/png"))
        assert response.status_code == 302
        sud.refresh_from_db()
        assert sud.logo.name.startswith("sites/") and sud.logo.name.endswith(".png")
        with Image.open(sud.logo.path) as image:
            assert image.format == "PNG" and image.size == (400, 100)  # re-encoded, at most 400 pixels a side
        south = client.get("/", HTTP_HOST="sud.example").content.decode()
        assert f'<img src="{sud.logo.url}" alt="Compagnons du Sud" class="site-logo">' in south
        default = client.get("/", HTTP_HOST="testserver").content.decode()
        assert "site-logo" not in default and "Compagnons" in default  # the default site: its name, no logo
        assert AuditLog.objects.filter(action="site.changed", data__logo=True).exists()

    def test_staff_remove_the_logo(self, client, formateur, sud, django_capture_on_commit_callbacks):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client.force_login(formateur)
        self._post(client, sud, SimpleUploadedFile("logo.png", _png(), "image/png"))
        sud.refresh_from_db()
        path = sud.logo.path
        assert "Retirer le logo" in client.get(reverse("core:site_edit", args=[sud.pk])).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            assert self._post(client, sud, None, remove_logo="on").status_code == 302
        sud.refresh_from_db()
        assert not sud.logo
        assert "site-logo" not in client.get("/", HTTP_HOST="sud.example").content.decode()
        assert not Path(path).exists()  # the file goes once the change is committed

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("logo.svg", SVG, "le SVG n&#x27;est pas accepté"),
            ("logo.pdf", b"%PDF-1.4 un document", "PNG, JPEG, GIF ou WebP"),
            ("logo.png", b"\x89PNG\r\n\x1a\nbroken", "illisible ou abîmé"),
        ],
    )
    def test_a_bad_logo_is_refused_clearly_and_the_form_keeps_its_input(
        self, client, formateur, sud, name, content, message
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client.force_login(formateur)
        response = self._post(client, sud, SimpleUploadedFile(name, content, "image/png"), tagline="Nouvelle accroche")
        assert response.status_code == 200
        page = response.content.decode()
        assert message in page and 'value="Nouvelle accroche"' in page
        sud.refresh_from_db()
        assert not sud.logo and sud.tagline == "au soleil"

    def test_a_logo_over_the_upload_limit_is_refused(self, client, formateur, sud, settings):
        from django.core.files.uploadedfile import SimpleUploadedFile

        settings.EVIDENCE_MAX_BYTES = 1024
        client.force_login(formateur)
        response = self._post(client, sud, SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 2048))
        assert response.status_code == 200 and "Le fichier dépasse" in response.content.decode()


class TestEmails:
    def test_signup_records_the_site(self, client, sud):
        client.post(
            reverse("account_signup"),
            {
                "first_name": "Léa",
                "last_name": "Martin",
                "email": "lea.sud@exemple.test",
                "password1": "un-mot-de-passe-solide",
                "password2": "un-mot-de-passe-solide",
                "intents": ["learn"],
            },
            HTTP_HOST="sud.example",
        )
        assert User.objects.get(email="lea.sud@exemple.test").site == sud

    def test_an_email_link_uses_the_members_site(self, sud, settings):
        settings.SITE_URL = "https://compagnons.example"
        member = UserFactory(compagnon=True)
        member.site = sud
        member.save()
        other = UserFactory(compagnon=True)
        mission = MissionFactory()
        send_digest.call(member.pk, [mission.pk])
        send_digest.call(other.pk, [mission.pk])
        south, default = mail.outbox
        assert f"https://sud.example{mission.get_absolute_url()}" in south.body
        assert south.from_email == "Sud <sud@sud.example>"
        assert f"https://compagnons.example{mission.get_absolute_url()}" in default.body
        assert "sud.example" not in default.body


class TestDefaultLanguage:
    @pytest.fixture(autouse=True)
    def _back_to_french(self):
        yield
        translation.activate("fr")  # the test client's requests run in this thread

    @pytest.fixture
    def english_south(self, sud, formateur):
        sud.default_language = "en"
        return sites.save_site(sud, hosts=["sud.example"], by=formateur)

    def test_two_hosts_speak_their_sites_language_from_one_process(self, client, english_south):
        south = client.get("/", HTTP_HOST="sud.example")
        default = client.get("/", HTTP_HOST="testserver")

        assert south.headers["Content-Language"] == "en" and '<html lang="en">' in south.text
        assert "Log in" in south.text and "Se connecter" not in south.text
        assert default.headers["Content-Language"] == "fr" and "Se connecter" in default.text

    def test_the_site_s_language_wins_over_the_browser_s(self, client, english_south):
        south = client.get("/", HTTP_HOST="sud.example", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
        default = client.get("/", HTTP_HOST="testserver", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        assert south.headers["Content-Language"] == "en" and default.headers["Content-Language"] == "fr"

    def test_a_visitors_own_choice_wins_over_the_sites(self, client, english_south):
        client.post(reverse("set_language"), {"language": "fr"}, HTTP_HOST="sud.example")
        assert client.get("/", HTTP_HOST="sud.example").headers["Content-Language"] == "fr"
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"  # a language we do not have: the site's
        assert client.get("/", HTTP_HOST="sud.example").headers["Content-Language"] == "en"


def test_the_migration_made_one_default_site_on_site_urls_host():
    default = Site.objects.get(is_default=True)
    assert default.hosts.filter(host="127.0.0.1").exists()


def test_settings_never_allow_every_host():
    from django.conf import settings

    assert "*" not in settings.ALLOWED_HOSTS


class TestCommunityCategoriesPerSite:
    def test_each_site_shows_its_chosen_categories_first(self, client, sud, formateur, django_assert_max_num_queries):
        from compagnons.community import services as community_services
        from compagnons.community.models import Category

        outils = Category.objects.get(slug="outils")
        statut = Category.objects.get(slug="statut-et-droits")
        community_services.set_site_categories(sud, [outils, statut], by=formateur)

        client.get(reverse("community:index"), HTTP_HOST="sud.example")
        with django_assert_max_num_queries(6):
            south = client.get(reverse("community:index"), HTTP_HOST="sud.example")
        default = client.get(reverse("community:index"))
        south_names = [c.slug for c in south.context["categories"]]
        default_names = [c.slug for c in default.context["categories"]]
        assert south_names[:2] == ["outils", "statut-et-droits"]
        assert default_names[0] == "entraide"
        assert sorted(south_names) == sorted(default_names)
        assert AuditLog.objects.filter(action="community.site_categories").exists()

    def test_members_cannot_choose_a_sites_categories(self, sud, apprenti):
        from compagnons.community import services as community_services
        from compagnons.community.models import Category
        from compagnons.core.exceptions import PermissionRefused

        with pytest.raises(PermissionRefused):
            community_services.set_site_categories(sud, list(Category.objects.all()[:1]), by=apprenti)
