from django.core.management.base import BaseCommand, CommandError

from compagnons.learning import content_loader


class Command(BaseCommand):
    help = (
        "Charge les capsules et mises en situation livrées avec la plateforme "
        "(sans doublon : un fichier inchangé ne crée pas de version)."
    )

    def handle(self, *args, **options):
        report = content_loader.load_shipped(by=None)
        counts = (len(report.created), len(report.updated), len(report.unchanged))
        self.stdout.write("Créées : {} · mises à jour : {} · inchangées : {}".format(*counts))
        for name, errors in report.errors.items():
            self.stderr.write(f"{name} :")
            for error in errors:
                self.stderr.write(f"  - {error}")
        if report.errors:
            raise CommandError(f"{len(report.errors)} fichier(s) refusé(s) : rien n'en est importé.")
