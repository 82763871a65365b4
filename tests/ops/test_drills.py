"""Failure drills (issue 23), each a test: the database unreachable, the disk full while uploading, a signing key
file missing. (The worker killed in the middle of a task and the SMTP server down are in test_worker.py.)"""

import errno
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

from compagnons.apprenticeship.models import Evidence
from compagnons.certification import services as jury
from compagnons.certification.models import Candidacy, Decision
from compagnons.core import storage
from compagnons.credentials import services as credentials
from compagnons.credentials.models import IssuedCredential
from tests.factories import UserFactory, judge_by_jury

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def places(settings, tmp_path):
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


# --- The database unreachable ---------------------------------------------------------------------


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_the_database_unreachable_gives_a_french_503_page_not_a_trace(apprenti, monkeypatch, error):
    browser = Client(raise_request_exception=False)
    browser.force_login(apprenti)

    def refuse(*args, **kwargs):
        raise error('connection to server at "10.0.0.5", port 5432 failed: Connection refused')

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)
    response = browser.get(reverse("accounts:dashboard"))

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    text = response.text
    assert "momentanément indisponible" in text and 'lang="fr"' in text
    assert "Traceback" not in text and "10.0.0.5" not in text and error.__name__ not in text


def test_another_error_gives_the_french_500_page(client, monkeypatch):
    browser = Client(raise_request_exception=False)
    monkeypatch.setattr("compagnons.core.views.render", lambda *a, **k: 1 / 0)
    response = browser.get(reverse("core:home"))
    assert response.status_code == 500
    assert "Une erreur imprévue" in response.text and "ZeroDivisionError" not in response.text


# --- The disk full while uploading -----------------------------------------------------------------


def fill_the_disk_half_way(monkeypatch):
    def write_half_then_fail(handle, content):
        handle.write(b"%PDF-1.4 la moitie")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage, "_write_chunks", write_half_then_fail)


def files_under(root) -> list[str]:
    return [os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files]


def test_the_disk_full_while_uploading_says_so_keeps_the_form_and_leaves_no_half_file(
    client, apprenti, competences, monkeypatch, settings
):
    fill_the_disk_half_way(monkeypatch)
    client.force_login(apprenti)
    response = client.post(
        reverse("apprenticeship:evidence_list"),
        {
            "title": "Mon devis",
            "kind": "file",
            "competences": [competences[0].pk],
            "file": SimpleUploadedFile("devis.pdf", b"%PDF-1.4 un devis complet\n"),
        },
    )
    assert response.status_code == 200
    assert "plus de place pour enregistrer ce fichier" in response.text
    assert 'value="Mon devis"' in response.text
    assert not Evidence.objects.exists()
    assert files_under(settings.PRIVATE_MEDIA_ROOT) == []


def test_public_media_too_are_whole_or_nothing(monkeypatch, settings):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from compagnons.core.exceptions import StorageFull

    fill_the_disk_half_way(monkeypatch)
    with pytest.raises(StorageFull):
        default_storage.save("portfolio/photo.png", ContentFile(b"\x89PNG" + b"0" * 100))
    assert files_under(settings.MEDIA_ROOT) == []
    monkeypatch.undo()
    name = default_storage.save("portfolio/photo.png", ContentFile(b"\x89PNG entier"))
    assert default_storage.open(name).read() == b"\x89PNG entier"
    assert files_under(settings.MEDIA_ROOT) == [str(settings.MEDIA_ROOT / name)]


# --- A signing key file missing ----------------------------------------------------------------------


@pytest.fixture
def lost_key(settings):
    key = credentials.rotate_key()
    (settings.CREDENTIALS_KEY_DIR / key.private_key_file).unlink()
    return key


def test_a_missing_signing_key_is_a_clear_error_to_staff_and_nothing_is_recorded(
    client, formateur, lost_key, monkeypatch
):
    candidate = UserFactory(first_name="Jean-Pierre", last_name="Candidat")
    # The jury has deliberated; staff are about to record the decision (the factory stops before it).
    monkeypatch.setattr(jury, "decide", lambda *args, **kwargs: None)
    judge_by_jury(candidate, by=formateur)
    monkeypatch.undo()
    candidacy = Candidacy.objects.get(masterpiece__candidate=candidate)
    blocks = candidacy.masterpiece.certification.blocks.all()

    client.force_login(formateur)
    response = client.post(reverse("certification:decide", args=[candidacy.pk]), {f"ok_{b.pk}": "on" for b in blocks})
    assert response.status_code == 200
    assert "La clé de signature des titres" in response.text and lost_key.kid in response.text
    assert "restaurer le dossier des clés" in response.text
    assert not Decision.objects.exists() and not IssuedCredential.objects.exists()


def test_a_missing_signing_key_is_not_a_500_for_visitors_of_the_status_list(client, lost_key):
    response = client.get(reverse("credentials:status_list"))
    assert response.status_code == 503
    assert "momentanément indisponible" in response.text
