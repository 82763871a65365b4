"""Evidence uploads: the checker lives in core (compagnons/core/uploads.py), every app's uploads use it."""

from compagnons.core.uploads import OFFICE_TYPES, OPENDOCUMENT, check_upload, sniff

__all__ = ["OFFICE_TYPES", "OPENDOCUMENT", "check_upload", "sniff"]
