"""Uploaded files: the type is read from the file's content, never trusted from its name.

Office Open XML and OpenDocument files are ZIP archives. An archive is looked at without ever inflating it: its
end record gives the number of entries, the central directory gives each entry's declared sizes, and only the
first bytes of the OpenDocument `mimetype` entry are read (a "zip bomb" of 1 MB that inflates to 1 GB stays 1 MB).
"""

import io
import struct
import warnings
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

OFFICE_TYPES = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OPENDOCUMENT = {
    b"application/vnd.oasis.opendocument.text",
    b"application/vnd.oasis.opendocument.spreadsheet",
    b"application/vnd.oasis.opendocument.presentation",
}
# Bounds of an acceptable office archive (a real document is far below each of them).
MIMETYPE_MAX_BYTES = 100  # the longest OpenDocument type is 46 bytes
ZIP_MAX_ENTRIES = 5_000
ZIP_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100  # declared uncompressed total / size of the upload
_END_RECORD = b"PK\x05\x06"
_END_RECORD_SIZE = 22
_MAX_COMMENT = 65_535


class SuspiciousArchive(Exception):
    """An archive whose declared shape is absurd (too many entries, too large once inflated, lying sizes)."""


def sniff(upload) -> str | None:
    """The content type of an accepted file (PDF, PNG, JPEG, GIF, WebP, office documents), else None.

    Raises SuspiciousArchive for an archive that is refused before being opened."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"PK\x03\x04"):
        try:
            return _sniff_zip(upload)
        finally:
            upload.seek(0)
    return None


def _size_of(upload) -> int:
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    return size


def _declared_entries(upload, size: int) -> int:
    """The number of entries the end record declares, read before zipfile parses the central directory."""
    tail_size = min(size, _END_RECORD_SIZE + _MAX_COMMENT)
    upload.seek(size - tail_size)
    tail = upload.read(tail_size)
    upload.seek(0)
    position = tail.rfind(_END_RECORD)
    if position < 0 or len(tail) - position < _END_RECORD_SIZE:
        raise zipfile.BadZipFile
    entries = struct.unpack("<H", tail[position + 10 : position + 12])[0]
    if entries == 0xFFFF:  # ZIP64: never needed by a document of a few megabytes
        raise SuspiciousArchive
    return entries


def check_archive(archive: zipfile.ZipFile, size: int) -> None:
    """Refuse an archive whose declared sizes are absurd or inconsistent with the upload's size."""
    infos = archive.infolist()
    if len(infos) > ZIP_MAX_ENTRIES:
        raise SuspiciousArchive
    uncompressed = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos)
    if compressed > size or uncompressed > ZIP_MAX_UNCOMPRESSED_BYTES:
        raise SuspiciousArchive
    if uncompressed > ZIP_MAX_RATIO * max(size, 1):
        raise SuspiciousArchive


def _sniff_zip(upload) -> str | None:
    try:
        size = _size_of(upload)
        if _declared_entries(upload, size) > ZIP_MAX_ENTRIES:
            raise SuspiciousArchive
        with zipfile.ZipFile(upload) as archive:
            check_archive(archive, size)
            names = archive.namelist()
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size > MIMETYPE_MAX_BYTES:
                    return None
                # Never more than a bounded prefix, whatever the entry declares.
                with archive.open(info) as entry:
                    mimetype = entry.read(MIMETYPE_MAX_BYTES + 1)
                if len(mimetype) > MIMETYPE_MAX_BYTES:
                    return None
                mimetype = mimetype.strip()
                return mimetype.decode() if mimetype in OPENDOCUMENT else None
            if "[Content_Types].xml" in names:
                for prefix, content_type in OFFICE_TYPES.items():
                    if any(name.startswith(prefix) for name in names):
                        return content_type
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, NotImplementedError, RuntimeError, ValueError):
        return None
    return None


def check_upload(upload) -> str:
    """The sniffed content type, or a ValidationError with a clear French message."""
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("Le fichier dépasse %(max)s Mo.") % {"max": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
        )
    try:
        content_type = sniff(upload)
    except SuspiciousArchive:
        raise ValidationError(
            _(
                "Cette archive est refusée : une fois décompressée, elle serait anormalement grande ou compterait "
                "trop de fichiers. Envoyez le document lui-même, enregistré normalement."
            )
        ) from None
    if content_type is None:
        raise ValidationError(
            _(
                "Ce type de fichier n'est pas accepté : envoyez un PDF, une image (PNG, JPEG, GIF, WebP) "
                "ou un document bureautique (Word, Excel, PowerPoint, OpenDocument)."
            )
        )
    return content_type


class ImageTooLarge(Exception):
    """More pixels than allowed; `size` is (width, height) when the header gave it, None when Pillow's own guard
    against decompression bombs stopped it first."""

    def __init__(self, size: tuple[int, int] | None = None):
        super().__init__(size)
        self.size = size


class ImageUnreadable(Exception):
    """Pillow cannot read the file (not an image, damaged, truncated)."""


def reencode_image(upload, *, max_pixels: int, max_side: int, mode: str, image_format: str, **options) -> bytes:
    """Decode an uploaded image and encode it again, which drops everything but the pixels (metadata, trailing bytes):
    its size is read from the header before anything is decoded (past `max_pixels`, ImageTooLarge: a 20000 × 20000
    image would take over a gigabyte once decoded), the photo's EXIF orientation is applied, then it is reduced to
    `max_side` pixels a side and saved in `mode` and `image_format` with Pillow's `options`. ImageUnreadable when
    Pillow cannot read it. Each caller words its own French messages."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            image = Image.open(upload)
            width, height = image.size
            if width * height > max_pixels:
                raise ImageTooLarge((width, height))
            image = ImageOps.exif_transpose(image)
            image.thumbnail((max_side, max_side))
            out = io.BytesIO()
            image.convert(mode).save(out, format=image_format, **options)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageTooLarge() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ImageUnreadable() from None
    return out.getvalue()
