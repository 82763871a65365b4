"""Files built in the background (a brochure, an audit dossier, and the invoices and certificates to come): one
abstract model with its status, progress and private file, one build helper for the task, and one progress partial
(`core/_built_file.html#progress`) that the page includes and htmx polls."""

from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnons.core.storage import private_storage


def built_file_path(instance: "BuiltFile", filename: str) -> str:
    return f"{instance.files_folder}{filename}"


class BuiltFile(models.Model):
    """Subclasses say where their files go (`files_folder`) and what they are about; the task calls `build`."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours de fabrication")
        READY = "ready", _("Disponible")
        FAILED = "failed", _("Échec")

    files_folder = "built/"

    status = models.CharField(_("état"), max_length=8, choices=Status, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("avancement"), default=0)
    file = models.FileField(storage=private_storage, upload_to=built_file_path, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def working(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def ready(self) -> bool:
        return self.status == self.Status.READY and bool(self.file)


Progress = Callable[[int], None]


def build(model: type[BuiltFile], pk: int, make: Callable[[BuiltFile, Progress], tuple[str, bytes]]) -> bool:
    """Build one file: `make(obj, progress)` returns (file name, content) and may call `progress(percent)`.

    Marks it running, saves the progress as it goes (kept between 5 and 95 until it is done), replaces the previous
    file under a row lock, and marks it failed (then re-raises, so the task's failure is recorded) if `make` fails.
    Returns False when there is nothing to do (gone, or already ready)."""
    obj = model.objects.filter(pk=pk).first()
    if obj is None or obj.status == BuiltFile.Status.READY:
        return False
    rows = model.objects.filter(pk=pk)
    rows.update(status=BuiltFile.Status.RUNNING, progress=5)

    def progress(percent: int) -> None:
        rows.update(progress=max(5, min(int(percent), 95)))

    try:
        filename, content = make(obj, progress)
    except Exception:
        rows.update(status=BuiltFile.Status.FAILED, progress=0)
        raise
    with transaction.atomic():
        obj = model.objects.select_for_update(of=("self",)).get(pk=pk)
        if obj.file:
            obj.file.delete(save=False)
        obj.file.save(filename, ContentFile(content), save=False)
        obj.status, obj.progress, obj.finished_at = BuiltFile.Status.READY, 100, timezone.now()
        obj.save()
    return True
