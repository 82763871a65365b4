"""File storages of the platform.

Private files (evidence, deliveries, attestations, brochures, audit dossiers): outside MEDIA_ROOT, with no URL;
served only by a view that checks rights (each app's file view streams them: FileResponse over `file.open()`).
`private_storage` stands for the `STORAGES["private"]` alias, resolved at each use: the file system
(PRIVATE_MEDIA_ROOT) by default, a private bucket when object storage is on (`config/object_storage.py`).

Object storage (S3-compatible, django-storages) is `core.object_storage`: an object exists only once its upload is
complete, so a failed upload leaves no half-written object.

Both file-system storages write whole files or nothing: a file is written under a hidden temporary name in its
directory, then renamed (atomic on one file system). Django's own storage leaves a half-written file behind when the
disk fills up; here the temporary file is removed and `StorageFull` (a `Refused`: views show its message) is raised.
"""

import errno
import os
import tempfile

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, InvalidStorageError, storages
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from compagnons.core.exceptions import StorageFull

FULL = {errno.ENOSPC, errno.EDQUOT}


def _write_chunks(handle, content) -> None:
    for chunk in content.chunks():
        handle.write(chunk if isinstance(chunk, bytes) else chunk.encode())


class _Written(File):
    """A file already written next to its final place: the parent storage only has to move it."""

    def __init__(self, path: str):
        super().__init__(open(path, "rb"), name=os.path.basename(path))  # noqa: SIM115 (closed by _save)
        self._path = path

    def temporary_file_path(self) -> str:
        return self._path


class WholeFilesMixin:
    file_mode = 0o644

    def _save(self, name, content):
        directory = os.path.dirname(self.path(name))
        os.makedirs(directory, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".envoi-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                _write_chunks(handle, content)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, self.file_permissions_mode or self.file_mode)
            written = _Written(temporary)
            try:
                return super()._save(name, written)
            finally:
                written.close()
        except OSError as error:
            if os.path.exists(temporary):
                os.unlink(temporary)
            if error.errno in FULL:
                raise StorageFull(
                    _(
                        "Le serveur n'a plus de place pour enregistrer ce fichier : rien n'a été enregistré. "
                        "Réessayez plus tard ; l'équipe technique est prévenue par la supervision."
                    )
                ) from error
            raise


@deconstructible
class WholeFileSystemStorage(WholeFilesMixin, FileSystemStorage):
    """The default storage (MEDIA_ROOT): public files."""


@deconstructible
class PrivateFileSystemStorage(WholeFilesMixin, FileSystemStorage):
    """Lives in PRIVATE_MEDIA_ROOT, read at each use (tests point it elsewhere). No URL: only views serve it."""

    file_mode = 0o600

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def uses_object_storage() -> bool:
    """Whether the private files (and the media) live in object storage rather than on this machine's disk."""
    return not isinstance(private_storage.backend, FileSystemStorage)


class PrivateStorage:
    """The private files' storage as the models name it (migrations say `PrivateStorage()`, whatever the backend):
    every use goes to `STORAGES["private"]`, so settings and tests choose the file system or a private bucket."""

    @property
    def backend(self):
        try:
            return storages["private"]
        except InvalidStorageError:  # settings without the alias (a test's STORAGES): the file system
            return _fallback

    def __getattr__(self, name):
        return getattr(self.backend, name)

    def deconstruct(self):
        return ("compagnons.core.storage.PrivateStorage", (), {})

    def __eq__(self, other):
        return isinstance(other, PrivateStorage)

    def __hash__(self):
        return hash(PrivateStorage)


_fallback = PrivateFileSystemStorage()
private_storage = PrivateStorage()
