"""Issue 13 (C): the contact form's limit holds under simultaneous posts; images, invitations, reviews."""

import struct
import zlib

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from compagnons.core.exceptions import InvalidTransition
from compagnons.core.models import AuditLog
from compagnons.showcase import services
from compagnons.showcase.models import ContactMessage, Invitation, Service
from tests.concurrency import at_once
from tests.factories import UserFactory

DATABASE_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache_entries"}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"


@pytest.fixture
def page(compagnon):
    profile = services.profile_of(compagnon)
    profile.headline = "Graphiste pour les associations"
    profile.save()
    Service.objects.create(profile=profile, title="Logo", price_cents=90000, unit="fixed", hours=24)
    services.publish(profile, by=compagnon)
    return profile


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="simultaneous writers need a server database")
def test_twenty_simultaneous_contact_posts_pass_only_up_to_the_limit(settings, page):
    settings.CACHES = DATABASE_CACHE  # the cache of a deployment without Redis
    call_command("createcachetable")

    results, errors = at_once(
        lambda: services.send_contact(page, name="A", email="a@a.test", body="Bonjour", ip="10.0.0.9")
    )

    assert ContactMessage.objects.count() == services.CONTACTS_PER_IP_PER_HOUR == len(results)
    assert len(errors) == 20 - services.CONTACTS_PER_IP_PER_HOUR
    assert {str(error) for error in errors} == {"Trop de messages envoyés : réessayez un peu plus tard."}


# --- Invitations to apply ------------------------------------------------------------------------


@pytest.fixture
def mission(client_user, formateur):
    from tests.factories.missions import MissionFactory

    return MissionFactory(client=client_user, qualified_by=formateur, published=True)


@pytest.mark.django_db
def test_a_member_is_invited_once_per_mission(client, page, mission, client_user, django_capture_on_commit_callbacks):
    client.force_login(client_user)
    url = reverse("showcase:public", args=[page.slug])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"invite": "1", "mission": mission.pk})
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, {"invite": "1", "mission": mission.pk})

    assert [str(m) for m in get_messages(first.wsgi_request)] == ["Invitation envoyée."]
    assert any("déjà invité" in str(m) for m in get_messages(again.wsgi_request))
    assert Invitation.objects.filter(profile=page, mission=mission).count() == 1
    assert AuditLog.objects.filter(action="showcase.invited").count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_client_sends_a_bounded_number_of_invitations_a_day(page, mission, client_user, settings):
    others = []
    for _n in range(services.INVITATIONS_PER_CLIENT_PER_DAY + 1):
        member = UserFactory(compagnon=True)
        profile = services.profile_of(member)
        others.append(profile)
    for profile in others[:-1]:
        services.invite(profile, mission, by=client_user)
    with pytest.raises(InvalidTransition, match="beaucoup d'invitations"):
        services.invite(others[-1], mission, by=client_user)
    assert Invitation.objects.count() == services.INVITATIONS_PER_CLIENT_PER_DAY


# --- Images ----------------------------------------------------------------------------------------


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header declares this size, with one tiny data chunk: nothing to decode before the check."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "words"),
    [
        (_png_header(20_000, 20_000), "trop grande"),
        (_png_header(12_000, 10_000), "trop grande"),  # under Pillow's own bomb limit × 2: only a warning there
        (b"\x89PNG\r\n\x1a\n" + b"pas une image" * 10, "illisible"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 200, "illisible"),
    ],
    ids=["20000x20000", "12000x10000", "broken-png", "broken-jpeg"],
)
def test_a_huge_or_broken_image_is_refused_with_a_message(compagnon, content, words):
    profile = services.profile_of(compagnon)
    upload = SimpleUploadedFile("oeuvre.png", content, content_type="image/png")
    with pytest.raises(InvalidTransition, match=words):
        services.add_portfolio_item(profile, by=compagnon, title="Affiche", upload=upload)
    upload.seek(0)
    with pytest.raises(InvalidTransition, match=words):
        services.set_photo(profile, upload, by=compagnon)
    assert not profile.portfolio.exists()
    profile.refresh_from_db()
    assert not profile.photo


@pytest.mark.django_db
def test_the_portfolio_step_shows_the_message_for_a_huge_image(client, compagnon):
    services.profile_of(compagnon)
    client.force_login(compagnon)
    upload = SimpleUploadedFile("oeuvre.png", _png_header(20_000, 20_000), content_type="image/png")
    response = client.post(reverse("showcase:step", args=[4]), {"title": "Affiche", "file": upload, "add": "1"})
    assert response.status_code == 200
    assert "trop grande" in response.content.decode()
