"""Check every invariant of the contributions ledger; exit non-zero with a clear report when one fails."""

import time
from collections import defaultdict

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q, Sum

from compagnons.ledger.models import Account, Movement, Transaction

CHUNK = 5000


class Command(BaseCommand):
    help = "Audit the contributions ledger (sums, balances, evidence, duplicates). Exit 1 on any fault."

    def add_arguments(self, parser):
        parser.add_argument("--fix-cache", action="store_true", help="Rewrite cached balances from the movements.")

    def handle(self, *args, fix_cache: bool, **options):
        started = time.monotonic()
        faults: list[str] = []

        unbalanced = Transaction.objects.annotate(total=Sum("movements__minutes"), n=Count("movements")).filter(
            ~Q(total=0) | Q(n__lt=2)
        )
        for tx in unbalanced.values("pk", "total", "n")[:50]:
            faults.append(
                f"transaction {tx['pk']}: {tx['n']} movement(s) summing to {tx['total']} (must be ≥ 2 summing to 0)"
            )

        zero = Movement.objects.filter(minutes=0).count()
        if zero:
            faults.append(f"{zero} movement(s) of zero minutes")

        self_transfers = (
            Movement.objects.values("transaction_id", "account_id").annotate(n=Count("pk")).filter(n__gt=1).count()
        )
        if self_transfers:
            faults.append(f"{self_transfers} transaction(s) moving minutes from an account to itself")

        computed = dict(
            Movement.objects.counted()
            .values("account_id")
            .annotate(total=Sum("minutes"))
            .values_list("account_id", "total")
        )
        mismatched = 0
        for pk, cached in Account.objects.values_list("pk", "cached_balance").iterator(chunk_size=CHUNK):
            actual = computed.get(pk, 0)
            if cached != actual:
                mismatched += 1
                if fix_cache:
                    Account.objects.filter(pk=pk).update(cached_balance=actual)
                elif mismatched <= 20:
                    faults.append(f"account {pk}: cached balance {cached} ≠ recomputed {actual}")
        if mismatched > 20 and not fix_cache:
            faults.append(f"… {mismatched} accounts with a wrong cached balance in all")

        by_type: dict[int, set[int]] = defaultdict(set)
        for type_id, object_id in (
            Transaction.objects.filter(evidence_id__isnull=False)
            .values_list("evidence_type_id", "evidence_id")
            .iterator(chunk_size=CHUNK)
        ):
            by_type[type_id].add(object_id)
        from django.contrib.contenttypes.models import ContentType

        for type_id, ids in by_type.items():
            model = ContentType.objects.get_for_id(type_id).model_class()
            if model is None or model._meta.app_label not in {a.label for a in apps.get_app_configs()}:
                faults.append(f"evidence type {type_id} no longer exists")
                continue
            found: set[int] = set()
            wanted = sorted(ids)
            for i in range(0, len(wanted), CHUNK):
                found.update(model.objects.filter(pk__in=wanted[i : i + CHUNK]).values_list("pk", flat=True))
            missing = ids - found
            if missing:
                example = sorted(missing)[:5]
                faults.append(f"{len(missing)} transaction(s) point to missing {model._meta.label} evidence: {example}")

        duplicates = (
            Transaction.objects.filter(evidence_id__isnull=False)
            .exclude(kind=Transaction.Kind.REVERSAL)
            .values("kind", "evidence_type_id", "evidence_id", "beneficiary_id")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .count()
        )
        if duplicates:
            faults.append(f"{duplicates} evidence object(s) back two transactions of one kind and beneficiary")

        double_reversals = (
            Transaction.objects.filter(kind=Transaction.Kind.REVERSAL)
            .values("reverses_id")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .count()
        )
        if double_reversals:
            faults.append(f"{double_reversals} transaction(s) reversed twice")

        elapsed = time.monotonic() - started
        counts = (
            f"{Transaction.objects.count()} transactions, {Movement.objects.count()} movements, "
            f"{Account.objects.count()} accounts"
        )
        if faults:
            self.stderr.write("Ledger audit FAILED:\n- " + "\n- ".join(faults))
            raise CommandError(f"{len(faults)} fault(s) found ({counts}; {elapsed:.1f} s)")
        self.stdout.write(self.style.SUCCESS(f"Ledger audit passed: {counts}; {elapsed:.1f} s"))
