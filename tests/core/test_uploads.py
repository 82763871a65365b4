"""Uploaded archives are judged without being inflated: a zip bomb is refused in a few kilobytes of memory."""

import io
import struct
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from compagnons.core.uploads import check_upload

ODT = b"application/vnd.oasis.opendocument.text"
ZEROS = b"\x00" * (1024 * 1024)


def _upload(data: bytes, name: str = "document.odt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _odt(mimetype_megabytes: int = 0) -> bytes:
    """An OpenDocument text; with `mimetype_megabytes`, its `mimetype` entry is that many megabytes of zeros
    (50 MB of zeros deflate to about 50 KB: written in chunks, never held whole)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("mimetype")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=False) as entry:
            entry.write(ODT)
            for _ in range(mimetype_megabytes):
                entry.write(ZEROS)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def _lie_about_sizes(data: bytes, name: bytes, *, file_size: int) -> bytes:
    """Rewrite the declared uncompressed size of one entry, in its local header and in the central directory."""
    data = bytearray(data)
    local = data.find(b"PK\x03\x04")  # the first local header is the `mimetype` entry's
    assert data[local + 30 : local + 30 + len(name)] == name
    struct.pack_into("<I", data, local + 22, file_size)
    central = data.find(b"PK\x01\x02")
    assert data[central + 46 : central + 46 + len(name)] == name
    struct.pack_into("<I", data, central + 24, file_size)
    return bytes(data)


def _peak_while_checking(upload) -> tuple[int, Exception | str]:
    tracemalloc.start()
    try:
        outcome = check_upload(upload)
    except ValidationError as error:
        outcome = error
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak, outcome


def test_a_real_opendocument_passes():
    assert check_upload(_upload(_odt())) == ODT.decode()


def test_a_zip_bomb_is_refused_without_being_inflated():
    bomb = _odt(mimetype_megabytes=50)
    assert len(bomb) < 200 * 1024  # 50 MB once inflated

    peak, outcome = _peak_while_checking(_upload(bomb))

    assert isinstance(outcome, ValidationError)
    assert "décompressée" in outcome.messages[0]
    assert peak < 2 * 1024 * 1024  # the old check inflated the whole entry: 50 MB and more


def test_an_archive_lying_about_its_sizes_is_read_only_for_a_few_bytes(monkeypatch):
    # The central directory says the `mimetype` entry is 46 bytes: it inflates to 50 MB.
    liar = _lie_about_sizes(_odt(mimetype_megabytes=50), b"mimetype", file_size=len(ODT))
    reads = []
    original_read = zipfile.ZipExtFile.read

    def spy(self, n=-1):
        reads.append(n)
        return original_read(self, n)

    monkeypatch.setattr(zipfile.ZipExtFile, "read", spy)

    peak, outcome = _peak_while_checking(_upload(liar))

    assert isinstance(outcome, ValidationError)  # what was read is not an OpenDocument type
    assert reads and all(0 <= n <= 101 for n in reads)
    assert peak < 2 * 1024 * 1024


def test_an_archive_declaring_absurd_sizes_is_refused():
    huge = _lie_about_sizes(_odt(), b"mimetype", file_size=3 * 1024**3)
    with pytest.raises(ValidationError, match="décompressée"):
        check_upload(_upload(huge))


def test_an_archive_with_too_many_entries_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for number in range(5_001):
            archive.writestr(f"word/{number}.xml", "")
    with pytest.raises(ValidationError, match="trop de fichiers"):
        check_upload(_upload(buffer.getvalue(), "document.docx"))
