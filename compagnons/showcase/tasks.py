"""The brochure, built in the background (`core.files.build`); the e-mails are in notifications.py."""

from django.tasks import task

from compagnons.core import files
from compagnons.showcase import brochure
from compagnons.showcase.models import Brochure


@task
def build_brochure(brochure_id: int) -> bool:
    """Render the two-page A4 brochure; progress is saved as it goes. Nothing to do when it is ready or gone."""
    return files.build(Brochure, brochure_id, brochure.make)
