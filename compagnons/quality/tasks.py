"""Background work of the quality app that is neither an e-mail (notifications.py) nor periodic (jobs.py): the audit
dossier, built as a core.files.BuiltFile. Tasks take ids only and render in French at run time."""

from django.tasks import task
from django.utils import translation

from compagnons.core import files
from compagnons.quality import exports
from compagnons.quality.models import AuditExport


def _make_dossier(export: AuditExport, progress: files.Progress) -> tuple[str, bytes]:
    with translation.override("fr"):
        if export.kind == AuditExport.Kind.APPRENTICE:
            content = exports.apprentice_files(export.apprentice, progress=progress)
        else:
            content = exports.association_files(progress=progress)
        return export.filename(), exports.zip_bytes(content)


@task
def build_audit_export(export_id: int) -> bool:
    """Build the ZIP in private storage; progress is saved as it goes (the page polls it)."""
    return files.build(AuditExport, export_id, _make_dossier)
