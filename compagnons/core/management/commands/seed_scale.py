"""`manage.py seed_scale`: the large data set of `make bench` (see bench/scale/ and bench/README.md)."""

import json
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench import scale


class Command(BaseCommand):
    help = "Fill the database with the scale data set (bulk inserts; skips the parts already there). DEBUG only."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=scale.DEFAULT_USERS, help="members to create")
        parser.add_argument(
            "--audit-per-user", type=int, default=scale.DEFAULT_AUDIT_PER_USER, help="audit log entries per member"
        )
        parser.add_argument("--only", nargs="*", default=[], help="seeder names to run (default: all)")
        parser.add_argument("--check", action="store_true", help="exit 1 if the data set is not complete")
        parser.add_argument(
            "--ids", action="store_true", help="print the primary keys in the bench pages' paths (JSON) and exit"
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_scale only runs with DEBUG=1: it creates accounts with a known password.")
        ctx = scale.ScaleContext(
            users=options["users"], audit_per_user=options["audit_per_user"], log=self.stdout.write
        )
        if options["ids"]:
            self.stdout.write(json.dumps(scale.bench_ids()))
            return
        if options["check"]:
            complete = scale.is_seeded(ctx)
            self.stdout.write(f"The scale data set is {'complete' if complete else 'not complete'}.")
            if not complete:
                sys.exit(1)
            return
        started = time.perf_counter()
        report = scale.seed(ctx, only=options["only"])
        rows = sum(r for _name, r, _s in report)
        self.stdout.write(
            self.style.SUCCESS(f"Scale data set ready: {rows} rows created in {time.perf_counter() - started:.1f} s.")
        )
