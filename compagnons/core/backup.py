"""Backups that restore: one dated archive holding the database, the media, the private files and the credentials'
signing keys (encrypted), with a manifest of row counts and checksums. See docs/operations.md.

Archive layout (a .tar.gz):

    manifest.json            when, which engine, rows per table, sha256 of every other member
    database.sqlite3         SQLite: a copy made with the online backup API (consistent while the site runs)
    database.pgdump          PostgreSQL: `pg_dump --format=custom`
    media/…                  MEDIA_ROOT (public: showcase photos, portfolio files), or the S3_BUCKET's objects
    private/…                PRIVATE_MEDIA_ROOT (evidence, deliveries, attestations…), or the S3_PRIVATE_BUCKET's
    keys.enc                 a tar of CREDENTIALS_KEY_DIR, sealed with AES-256-GCM under a key derived from
                             BACKUP_PASSPHRASE by scrypt; the private keys are never in clear in the archive

With object storage on (S3_BUCKET), the files are read from the two buckets through the storages and written back
into them by the restore (the manifest says `"files": "object-storage"`); an archive of either kind restores into
either kind of target. This module knows no app of ours: it reads only settings and the database's own catalogue.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from compagnons.core.storage import private_storage, uses_object_storage

FORMAT = 1
MAGIC = b"CPKEYS1\n"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
KEYS_MEMBER = "keys.enc"


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Places:
    """Where the live data lives (the environment names them: DATABASE_URL, VAR_DIR, MEDIA_ROOT…)."""

    media: Path
    private: Path
    keys: Path
    objects: bool = False  # the media and private files live in the buckets (S3_BUCKET), not in the two folders

    @classmethod
    def from_settings(cls) -> "Places":
        return cls(
            media=Path(settings.MEDIA_ROOT),
            private=Path(settings.PRIVATE_MEDIA_ROOT),
            keys=Path(settings.CREDENTIALS_KEY_DIR),
            objects=uses_object_storage(),
        )


BUCKETS = {"media": ("S3_BUCKET", default_storage), "private": ("S3_PRIVATE_BUCKET", private_storage)}


def _stored(storage, folder: str = "") -> list[str]:
    """Every object's name under `folder` of an object storage, walked through the storage's own listing."""
    dirs, files = storage.listdir(folder)
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in dirs:
        names += _stored(storage, f"{folder}/{sub}" if folder else sub)
    return sorted(names)


def _download(storage, target: Path) -> Path:
    for name in _stored(storage):
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, path.open("wb") as copy:
            shutil.copyfileobj(source, copy, 1 << 20)
    return target


# --- Encryption of the signing keys -------------------------------------------------------------


def _derive(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(passphrase.encode())


def seal(data: bytes, passphrase: str) -> bytes:
    salt, nonce = os.urandom(16), os.urandom(12)
    return MAGIC + salt + nonce + AESGCM(_derive(passphrase, salt)).encrypt(nonce, data, MAGIC)


def unseal(blob: bytes, passphrase: str) -> bytes:
    if not blob.startswith(MAGIC):
        raise BackupError("keys.enc is not a sealed key bundle.")
    body = blob[len(MAGIC) :]
    salt, nonce, sealed = body[:16], body[16:28], body[28:]
    try:
        return AESGCM(_derive(passphrase, salt)).decrypt(nonce, sealed, MAGIC)
    except Exception as error:  # cryptography's InvalidTag says nothing more
        raise BackupError("Wrong BACKUP_PASSPHRASE: the signing keys cannot be decrypted.") from error


def passphrase() -> str:
    value = getattr(settings, "BACKUP_PASSPHRASE", "")
    if len(value) < 12:
        raise BackupError("Set BACKUP_PASSPHRASE (at least 12 characters): it encrypts the signing keys.")
    return value


# --- The database -------------------------------------------------------------------------------


def is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (catalogue names)
            counts[table] = cursor.fetchone()[0]
    return counts


def database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _pg_command(program: str) -> tuple[list[str], dict]:
    if shutil.which(program) is None:
        raise BackupError(f"{program} is missing: install postgresql-client (scripts/system-packages).")
    params = connection.settings_dict
    args = [program, "--no-password", "--dbname", params["NAME"]]
    if params.get("HOST"):
        args += ["--host", params["HOST"]]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", params["USER"]]
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = params["PASSWORD"]
    return args, env


def _run(args: list[str], env: dict) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip()[:2000]}")


def dump_database(target: Path) -> str:
    if is_sqlite():
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return SQLITE_MEMBER
    args, env = _pg_command("pg_dump")
    _run([*args, "--format=custom", "--no-owner", "--file", str(target)], env)
    return PG_MEMBER


def load_database(source: Path, member: str, *, force: bool) -> None:
    if (member == SQLITE_MEMBER) != is_sqlite():
        raise BackupError("This archive comes from another database engine than DATABASE_URL names.")
    if is_sqlite():
        connection.ensure_connection()
        origin = sqlite3.connect(source)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
        return
    args, env = _pg_command("pg_restore")
    extra = ["--clean", "--if-exists"] if force else []
    connection.close()
    _run([*args, "--no-owner", "--exit-on-error", "--single-transaction", *extra, str(source)], env)


# --- Files --------------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def _is_empty_dir(root: Path) -> bool:
    return not root.exists() or not any(root.iterdir())


def _empty(root: Path) -> None:
    if root.exists():
        for child in root.iterdir():
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()


def _keys_bundle(root: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as bundle:
        for path in _files(root):
            bundle.add(path, arcname=str(path.relative_to(root)))
    return buffer.getvalue()


# --- Backup -------------------------------------------------------------------------------------


def backup(output: Path, *, places: Places | None = None) -> Path:
    """Write one dated archive in `output`; return its path. The archive is written under a temporary name and
    renamed at the end, so that a half-written archive never looks like a good one."""
    places = places or Places.from_settings()
    secret = passphrase()
    output.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    name = f"compagnons-{now:%Y%m%d-%H%M%S}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="backup-") as work:
        work = Path(work)
        checksums: dict[str, str] = {}
        database = dump_database(work / "db")
        checksums[database] = sha256(work / "db")
        counts = row_counts()
        sealed = seal(_keys_bundle(places.keys), secret)
        (work / KEYS_MEMBER).write_bytes(sealed)
        checksums[KEYS_MEMBER] = sha256(work / KEYS_MEMBER)
        if places.objects:
            trees = {prefix: _download(storage, work / "objects" / prefix) for prefix, (_, storage) in BUCKETS.items()}
        else:
            trees = {"media": places.media, "private": places.private}
        for prefix, root in trees.items():
            for path in _files(root):
                checksums[f"{prefix}/{path.relative_to(root).as_posix()}"] = sha256(path)
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "engine": connection.vendor,
            "files": "object-storage" if places.objects else "disk",
            "database": database,
            "rows": counts,
            "keys": len(_files(places.keys)),
            "sha256": checksums,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
        partial = output / f".{name}.partial"
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / "manifest.json", arcname="manifest.json")
            archive.add(work / "db", arcname=database)
            archive.add(work / KEYS_MEMBER, arcname=KEYS_MEMBER)
            for prefix, root in trees.items():
                for path in _files(root):
                    archive.add(path, arcname=f"{prefix}/{path.relative_to(root).as_posix()}")
        os.chmod(partial, 0o600)
        final = output / name
        os.replace(partial, final)
    return final


# --- Restore ------------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as bundle:
        member = bundle.extractfile("manifest.json")
        if member is None:
            raise BackupError("The archive has no manifest.json.")
        return json.load(member)


def refusals(places: Places) -> list[str]:
    """What is not empty in the target (a restore would overwrite it)."""
    found = []
    if not database_is_empty():
        found.append("the database has tables")
    if places.objects:
        for label, storage in BUCKETS.values():
            if any(storage.listdir("")):
                found.append(f"{label} ({storage.bucket_name}) is not empty")
    else:
        for label, root in (("MEDIA_ROOT", places.media), ("PRIVATE_MEDIA_ROOT", places.private)):
            if not _is_empty_dir(root):
                found.append(f"{label} ({root}) is not empty")
    if not _is_empty_dir(places.keys):
        found.append(f"CREDENTIALS_KEY_DIR ({places.keys}) is not empty")
    return found


def _upload(work: Path) -> None:
    """Empty the two buckets, then put every file of the archive back under its own name."""
    for prefix, (_, storage) in BUCKETS.items():
        for name in _stored(storage):
            storage.delete(name)
        for path in _files(work / prefix):
            name = path.relative_to(work / prefix).as_posix()
            with path.open("rb") as handle:
                saved = storage.save(name, File(handle, name=path.name))
            if saved != name:
                raise BackupError(f"{prefix}/{name} came back as {saved}: the bucket was not empty.")


def restore(archive: Path, *, force: bool = False, places: Places | None = None) -> dict:
    """Restore `archive` into the database and the directories the settings name; return its manifest.

    Refuses a target that holds anything unless `force`; checks every checksum before touching the target, and the
    row counts after."""
    places = places or Places.from_settings()
    secret = passphrase()
    not_empty = refusals(places)
    if not_empty and not force:
        raise BackupError("The target is not empty (" + "; ".join(not_empty) + "). Use --force to overwrite it.")
    with tempfile.TemporaryDirectory(prefix="restore-") as work:
        work = Path(work)
        with tarfile.open(archive, "r:gz") as bundle:
            bundle.extractall(work, filter="data")
        manifest = json.loads((work / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown archive format {manifest.get('format')!r}.")
        for member, expected in manifest["sha256"].items():
            path = work / member
            if not path.is_file() or sha256(path) != expected:
                raise BackupError(f"Checksum mismatch for {member}: the archive is damaged.")
        keys = unseal((work / KEYS_MEMBER).read_bytes(), secret)

        load_database(work / manifest["database"], manifest["database"], force=force)
        if places.objects:
            _upload(work)
        else:
            for prefix, root in (("media", places.media), ("private", places.private)):
                _empty(root)
                root.mkdir(parents=True, exist_ok=True)
                if (work / prefix).is_dir():
                    shutil.copytree(work / prefix, root, dirs_exist_ok=True)
        _empty(places.keys)
        places.keys.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tarfile.open(fileobj=io.BytesIO(keys), mode="r") as bundle:
            bundle.extractall(places.keys, filter="data")
        for path in _files(places.keys):
            os.chmod(path, 0o600)
    counts = row_counts()
    differing = sorted(t for t, n in manifest["rows"].items() if counts.get(t) != n)
    if differing:
        raise BackupError("Row counts differ after the restore: " + ", ".join(differing[:20]))
    return manifest
