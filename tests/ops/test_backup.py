"""Backups that restore (issue 23): demo world → backup → wipe → restore → the same rows, files, keys and ledger.

Runs on the database DATABASE_URL names: SQLite (online backup API) or PostgreSQL (pg_dump / pg_restore); the
PostgreSQL-only test is skipped, with its reason, otherwise."""

import io
import json
import shutil
import tarfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from compagnons.accounts.models import User
from compagnons.apprenticeship.models import Evidence
from compagnons.apprenticeship.services import add_evidence
from compagnons.core import backup
from compagnons.credentials import ob3
from compagnons.credentials.models import IssuedCredential, SigningKey
from compagnons.credentials.verification import check
from compagnons.missions.models import Delivery
from compagnons.skills.models import Competence

PASSPHRASE = "une phrase de passe assez longue"
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def places(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"
    settings.BACKUP_PASSPHRASE = PASSPHRASE
    return backup.Places.from_settings()


@pytest.fixture
def demo(places):
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())
    # The demo holds no private file yet: an apprentice lays one down, as the page would.
    apprentice = User.objects.get(email="apprenti@demo.test")
    add_evidence(
        apprentice,
        by=apprentice,
        title="Compte rendu",
        kind=Evidence.Kind.FILE,
        competences=Competence.objects.all()[:1],
        upload=SimpleUploadedFile("compte-rendu.pdf", b"%PDF-1.4 compte rendu\n"),
    )
    return places


def private_files() -> dict[str, bytes]:
    found = {}
    for model in (Evidence, Delivery):
        for row in model.objects.exclude(file=""):
            with row.file.open("rb") as handle:
                found[f"{model.__name__}:{row.pk}"] = handle.read()
    return found


def wipe(places: backup.Places) -> None:
    """A lost disk: no table, no file, no key."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f'DROP TABLE IF EXISTS "{table}"')  # a full-text table takes its shadow tables
            cursor.execute("PRAGMA foreign_keys = ON")
        else:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    for root in (places.media, places.private, places.keys):
        shutil.rmtree(root, ignore_errors=True)


def round_trip(demo, tmp_path):
    rows = backup.row_counts()
    files = private_files()
    credentials = IssuedCredential.objects.count()
    assert files and credentials and SigningKey.objects.exists()
    out = io.StringIO()
    call_command("backup", output=str(tmp_path / "archives"), stdout=out)
    archive = tmp_path / "archives" / out.getvalue().strip().rsplit("/", 1)[-1]
    assert archive.name.startswith("compagnons-") and archive.name.endswith(".tar.gz")

    # The keys are in the archive only sealed: no PEM anywhere in it.
    with tarfile.open(archive) as bundle:
        names = bundle.getnames()
        assert not [n for n in names if n.endswith(".pem")]
        for member in bundle.getmembers():
            if member.isfile():
                assert b"PRIVATE KEY" not in bundle.extractfile(member).read()
        manifest = json.load(bundle.extractfile("manifest.json"))
    assert manifest["rows"] == rows
    assert manifest["keys"] == SigningKey.objects.count()

    # Not into a target that holds data.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), stdout=io.StringIO())

    wipe(demo)
    call_command("restore", str(archive), stdout=io.StringIO())

    assert backup.row_counts() == rows
    call_command("ledger_audit", stdout=io.StringIO())  # exits non-zero (CommandError) on any fault
    assert private_files() == files
    for credential in IssuedCredential.objects.all():
        verdict = check(credential.document)
        assert verdict.signature_ok, (credential.pk, verdict.signature_reason)
    for key in SigningKey.objects.all():
        private = ob3.load_private_key(demo.keys / key.private_key_file)
        assert ob3.public_multibase(private.public_key()) == key.public_multibase
    return archive, files


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the SQLite round trip (DATABASE_URL is PostgreSQL)")
def test_a_sqlite_backup_restores_rows_files_keys_and_ledger(demo, tmp_path, client):
    _archive, files = round_trip(demo, tmp_path)
    # A private file is downloadable again, through the view that checks rights.
    evidence = Evidence.objects.exclude(file="").select_related("apprentice").first()
    client.force_login(evidence.apprentice)
    response = client.get(f"/parcours/preuves/{evidence.pk}/fichier/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files[f"Evidence:{evidence.pk}"]


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="DATABASE_URL is not PostgreSQL: the pg_dump/pg_restore round trip runs only there",
)
def test_a_postgresql_backup_restores_rows_files_keys_and_ledger(demo, tmp_path):
    round_trip(demo, tmp_path)


def test_no_backup_without_a_passphrase(places, tmp_path, settings):
    settings.BACKUP_PASSPHRASE = ""
    with pytest.raises(CommandError, match="BACKUP_PASSPHRASE"):
        call_command("backup", output=str(tmp_path / "out"))
    assert not list((tmp_path / "out").glob("*")) if (tmp_path / "out").exists() else True


def test_a_wrong_passphrase_or_a_damaged_archive_restores_nothing(places, tmp_path, settings):
    places.keys.mkdir(parents=True)
    (places.keys / "cle.pem").write_bytes(b"-----BEGIN PRIVATE KEY-----\nx\n")
    archive = backup.backup(tmp_path / "out")
    shutil.rmtree(places.keys)
    settings.BACKUP_PASSPHRASE = "une autre phrase de passe"
    with pytest.raises(backup.BackupError, match="BACKUP_PASSPHRASE"):
        backup.restore(archive, force=True)
    assert not places.keys.exists()
    assert backup.unseal(backup.seal(b"secret", "x" * 12), "x" * 12) == b"secret"
