"""Evidence uploads: the type is read from the file's content, never trusted from its name."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Office Open XML and OpenDocument files are ZIP archives: their inner layout says what they are.
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


def sniff(upload) -> str | None:
    """The content type of an accepted file (PDF, PNG, JPEG, GIF, WebP, office documents), else None."""
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
        return _sniff_zip(upload)
    return None


def _sniff_zip(upload) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                mimetype = archive.read("mimetype").strip()
                return mimetype.decode() if mimetype in OPENDOCUMENT else None
            if "[Content_Types].xml" in names:
                for prefix, content_type in OFFICE_TYPES.items():
                    if any(name.startswith(prefix) for name in names):
                        return content_type
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    finally:
        upload.seek(0)
    return None


def check_upload(upload) -> str:
    """The sniffed content type, or a ValidationError with a clear French message."""
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("Le fichier dépasse %(max)s Mo.") % {"max": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
        )
    content_type = sniff(upload)
    if content_type is None:
        raise ValidationError(
            _(
                "Ce type de fichier n'est pas accepté : envoyez un PDF, une image (PNG, JPEG, GIF, WebP) "
                "ou un document bureautique (Word, Excel, PowerPoint, OpenDocument)."
            )
        )
    return content_type
