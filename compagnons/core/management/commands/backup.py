from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compagnons.core import backup


class Command(BaseCommand):
    help = "Write one dated archive (database, media, private files, encrypted signing keys, manifest) in --output."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="The directory that receives the archive.")

    def handle(self, *args, output: Path, **options):
        try:
            archive = backup.backup(Path(output))
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(archive))
