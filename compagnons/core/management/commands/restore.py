from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compagnons.core import backup


class Command(BaseCommand):
    help = (
        "Restore an archive of `backup` into the database (DATABASE_URL) and the directories (VAR_DIR, MEDIA_ROOT, "
        "PRIVATE_MEDIA_ROOT, CREDENTIALS_KEY_DIR) of this environment. Refuses a target that is not empty."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--force", action="store_true", help="Overwrite a target that is not empty.")

    def handle(self, *args, archive: Path, force: bool, **options):
        archive = Path(archive)
        if not archive.is_file():
            raise CommandError(f"No such archive: {archive}")
        try:
            manifest = backup.restore(archive, force=force)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"restored {archive.name}: {len(manifest['rows'])} tables, {rows} rows, {manifest['keys']} key(s)"
        )
