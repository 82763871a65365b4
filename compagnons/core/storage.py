"""Private files (evidence, deliveries, attestations, brochures, audit dossiers): outside MEDIA_ROOT, with no URL;
served only by a view that checks rights (`core.files.serve_private`-style views in each app)."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Lives in PRIVATE_MEDIA_ROOT, read at each use (tests point it elsewhere)."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


private_storage = PrivateStorage()
