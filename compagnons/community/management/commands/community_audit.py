"""Check the forum's denormalised counts against the rows; exit non-zero with a clear report when one disagrees."""

import time

from django.core.management.base import BaseCommand, CommandError

from compagnons.community import counters
from compagnons.community.models import Category, Thread


class Command(BaseCommand):
    help = (
        "Audit the community's counts (answers and last activity per thread, threads, posts and last activity "
        "per category) against the posts. Exit 1 on any fault."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Rewrite the wrong counts from the rows.")

    def handle(self, *args, fix: bool, **options):
        started = time.monotonic()
        faults = counters.audit(fix=fix)
        elapsed = time.monotonic() - started
        counts = f"{Thread.objects.count()} threads, {Category.objects.count()} categories"
        if faults and not fix:
            self.stderr.write("Community audit FAILED:\n- " + "\n- ".join(faults))
            raise CommandError(f"{len(faults)} fault(s) found ({counts}; {elapsed:.1f} s)")
        if faults:
            self.stdout.write("Fixed:\n- " + "\n- ".join(faults))
        self.stdout.write(self.style.SUCCESS(f"Community audit passed: {counts}; {elapsed:.1f} s"))
