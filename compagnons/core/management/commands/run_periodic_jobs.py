import time

from django.core.management.base import BaseCommand

from compagnons.core import scheduler


class Command(BaseCommand):
    help = "Enqueue the periodic jobs that are due (cron: every 5 minutes; --loop: keep checking)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running, checking every --interval seconds.")
        parser.add_argument("--interval", type=int, default=60)

    def handle(self, *args, loop: bool, interval: int, **options):
        while True:
            for name in scheduler.run_due_jobs():
                self.stdout.write(f"enqueued {name}")
            if not loop:
                return
            time.sleep(interval)
