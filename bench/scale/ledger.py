"""Ledger: the members' accounts and ten transactions per member (two movements each), written with raw
`executemany` INSERTs. It runs after missions (registry.ORDER): its mentoring credits and mission commitments point
to the sessions and missions seeded before it, as the apps above the ledger post them through its services."""

from contextlib import contextmanager
from datetime import datetime, timedelta
from itertools import batched

from django.contrib.contenttypes.models import ContentType
from django.db import connection

from bench import BENCH_APPRENTICE, BENCH_COMPAGNON
from bench.scale.registry import ScaleContext, role_ids, seeder
from compagnons.accounts.models import Role, RoleGrant, User
from compagnons.apprenticeship.models import MentoringSession, Mentorship
from compagnons.ledger.models import Account, Movement, Transaction
from compagnons.missions.models import Mission

# Shares of `ctx.users`; at 100,000 members: 1,000,000 transactions of two movements each (2,000,000 movements).
LEDGER_TRANSACTIONS_PER_USER = 10
LEDGER_DAYS = 2 * 365
LEDGER_BATCH = 50_000  # rows per executemany
LEDGER_SQLITE_CACHE_KIB = 1_048_576  # 1 GiB of SQLite page cache while the ledger is inserted
LK = Transaction.Kind
LS = Transaction.State
# What the transactions are, beyond the welcome grants, the sessions and the missions that back one: (kinds, weights).
LEDGER_KINDS = (
    [LK.MENTORING, LK.COACHING, LK.COMMUNITY, LK.REVIEW, LK.MISSION, LK.LEAD, LK.ADJUSTMENT],
    [62, 15, 6, 6, 8, 2, 1],
)
DECLARED_STATES = ([LS.CONFIRMED, LS.PENDING, LS.DECLINED], [84, 12, 4])  # coaching and community help
LEDGER_REVERSAL_SHARE = 500  # 1 confirmed coaching entry in 500 is corrected by a reversal
LEDGER_NOTES = {
    LK.COACHING: "Préparation d'un entretien client.",
    LK.COMMUNITY: "Relecture d'une fiche de présentation.",
    LK.ADJUSTMENT: "Séance oubliée, déclarée par téléphone.",
    LK.REVERSAL: "Déclarée deux fois.",
}


def _ledger_movements_done(ctx: ScaleContext) -> bool:
    return Movement.objects.count() >= 2 * ctx.users * LEDGER_TRANSACTIONS_PER_USER


def _ledger_accounts(ctx: ScaleContext) -> tuple[int, dict[int, int], list[int]]:
    """The commons account, and one account per active apprentice or compagnon (the ones missing are opened).
    Returns (commons, owner → account, new owners: they get their welcome grant)."""
    commons, _created = Account.objects.get_or_create(kind=Account.Kind.COMMONS, defaults={"owner": None})
    members = set(
        RoleGrant.objects.filter(role__in=[Role.APPRENTICE, Role.COMPAGNON], user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    existing = set(Account.objects.filter(owner__isnull=False).values_list("owner_id", flat=True))
    new = sorted(members - existing)
    ctx.bulk(Account, (Account(kind=Account.Kind.MEMBER, owner_id=pk) for pk in new))
    accounts = dict(Account.objects.filter(owner_id__in=members).values_list("owner_id", "pk"))
    return commons.pk, accounts, new


class _LedgerWriter:
    """Raw multi-row inserts (`executemany`) of transactions with explicit ids and their two movements: the ORM
    would take several minutes for two million rows on SQLite."""

    TX_FIELDS = (
        "id",
        "kind",
        "state",
        "beneficiary",
        "confirmer",
        "evidence_type",
        "evidence_id",
        "idempotency_key",
        "reverses",
        "note",
        "operator",
        "created_at",
        "confirmed_at",
    )

    def __init__(self, ctx: ScaleContext, cursor):
        self.ctx, self.cursor = ctx, cursor
        self.next_id = (Transaction.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        self.first_id = self.next_id
        self.transactions: list[tuple] = []
        self.movements: list[tuple] = []
        self.count = 0
        qn = connection.ops.quote_name
        tx_columns = [Transaction._meta.get_field(f).column for f in self.TX_FIELDS]
        self.tx_sql = (
            f"INSERT INTO {qn(Transaction._meta.db_table)} ({', '.join(map(qn, tx_columns))}) "
            f"VALUES ({', '.join(['%s'] * len(tx_columns))})"
        )
        mv_columns = [Movement._meta.get_field(f).column for f in ("transaction", "account", "minutes", "created_at")]
        self.mv_sql = (
            f"INSERT INTO {qn(Movement._meta.db_table)} ({', '.join(map(qn, mv_columns))}) VALUES (%s, %s, %s, %s)"
        )
        self.adapt = connection.ops.adapt_datetimefield_value

    def add(
        self,
        kind: str,
        source: int,
        target: int,
        minutes: int,
        key: str,
        at: datetime,
        *,
        state: str = LS.CONFIRMED,
        beneficiary: int | None = None,
        confirmer: int | None = None,
        evidence: tuple[int, int] | None = None,
        reverses: int | None = None,
        operator: int | None = None,
    ) -> int:
        """One transaction: `minutes` from the `source` account to the `target` one. Returns its id."""
        pk = self.next_id
        self.next_id += 1
        created = self.adapt(at)
        confirmed = self.adapt(at + timedelta(hours=self.ctx.rng.randrange(1, 72))) if state != LS.PENDING else None
        if state == LS.DECLINED:
            confirmed = None
        evidence_type, evidence_id = evidence or (None, None)
        self.transactions.append(
            (
                pk,
                kind,
                state,
                beneficiary,
                confirmer,
                evidence_type,
                evidence_id,
                key,
                reverses,
                LEDGER_NOTES.get(kind, ""),
                operator,
                created,
                confirmed,
            )
        )
        self.movements.append((pk, source, -minutes, created))
        self.movements.append((pk, target, minutes, created))
        if len(self.transactions) >= LEDGER_BATCH:
            self.flush()
        return pk

    def flush(self) -> None:
        if self.transactions:
            self.cursor.executemany(self.tx_sql, self.transactions)
            self.cursor.executemany(self.mv_sql, self.movements)
            self.count += len(self.transactions) + len(self.movements)
            self.ctx.log(f"  ledger: {self.next_id - self.first_id} transactions")
        self.transactions, self.movements = [], []

    def mark_reversed(self, pks: list[int]) -> None:
        """The originals of the reversals (they are inserted `confirmed`, then corrected)."""
        self.flush()
        for batch in batched(pks, 500):
            Transaction.objects.filter(pk__in=batch).update(state=LS.REVERSED)


def _refresh_cached_balances() -> None:
    """Every account's cached balance = the sum of its counted movements, in one UPDATE … FROM (the same SQL on
    SQLite ≥ 3.33 and PostgreSQL)."""
    qn = connection.ops.quote_name
    account, movement, tx = Account._meta.db_table, Movement._meta.db_table, Transaction._meta.db_table
    counted = ", ".join(["%s"] * len(Transaction.COUNTED))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(account)} SET cached_balance = totals.total FROM ("
            f" SELECT m.account_id AS account_id, SUM(m.minutes) AS total FROM {qn(movement)} m"
            f" INNER JOIN {qn(tx)} t ON t.id = m.transaction_id WHERE t.state IN ({counted})"
            f" GROUP BY m.account_id) AS totals WHERE {qn(account)}.id = totals.account_id",
            [str(s) for s in Transaction.COUNTED],
        )
    if connection.vendor == "postgresql":  # the transactions were inserted with explicit ids
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Transaction]):
                cursor.execute(sql)


@contextmanager
def _large_sqlite_cache(cursor):
    """SQLite: keep the indexes being filled in memory (the connection's cache is 16 MB) while the ledger is written,
    then give the connection its own size back (it serves other seeders, and the tests, afterwards)."""
    if connection.vendor != "sqlite":
        yield
        return
    cursor.execute("PRAGMA cache_size")
    previous = int(cursor.fetchone()[0])
    cursor.execute(f"PRAGMA cache_size = -{LEDGER_SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {previous}")


@seeder("ledger.contributions", done=_ledger_movements_done)
def seed_ledger(ctx: ScaleContext) -> int:
    """users × 10 transactions of two movements: a welcome grant per account (commons → member); a mentoring
    credit per confirmed session (apprentice → mentor, the session as evidence), and many more from earlier
    mentorships (no evidence); coaching and community help (pending 12 %, declined 4 %, a few reversed);
    reviews, leads, staff adjustments; a mission commitment (member → commons) per mission attributed to a
    compagnon (the mission as evidence) and more without. bench-apprenti and bench-compagnon get a few hundred
    entries each. Then every cached balance is recomputed from the counted movements."""
    rng = ctx.rng
    commons, account_of, new_owners = _ledger_accounts(ctx)
    rows = len(new_owners)
    apprentices = sorted(set(role_ids(Role.APPRENTICE)) & set(account_of))
    compagnons = sorted(set(role_ids(Role.COMPAGNON)) & set(account_of))
    members = sorted(set(apprentices) | set(compagnons))
    staff = ctx.staff_ids()
    apprentice_bench = User.objects.get(email=BENCH_APPRENTICE).pk
    compagnon_bench = User.objects.get(email=BENCH_COMPAGNON).pk
    session_type = ContentType.objects.get_for_model(MentoringSession).pk
    mission_type = ContentType.objects.get_for_model(Mission).pk
    backed = Transaction.objects.filter(evidence_id__isnull=False)
    used_sessions = set(backed.filter(evidence_type_id=session_type).values_list("evidence_id", flat=True))
    used_missions = set(backed.filter(evidence_type_id=mission_type).values_list("evidence_id", flat=True))
    sessions = [
        s
        for s in MentoringSession.objects.filter(status=MentoringSession.Status.CONFIRMED)
        .order_by("pk")
        .values_list("pk", "apprentice_id", "mentor_id", "duration_minutes", "confirmed_at")
        if s[0] not in used_sessions and s[1] in account_of and s[2] in account_of
    ]
    exempt = set(apprentices)
    won = [
        m
        for m in Mission.objects.filter(chosen__isnull=False)
        .order_by("pk")
        .values_list("pk", "chosen__applicant_id", "published_at")
        if m[0] not in used_missions and m[1] in account_of and m[1] not in exempt
    ]
    pairs = list(Mentorship.objects.values_list("apprentice_id", "mentor_id"))
    pairs = [p for p in pairs if p[0] in account_of and p[1] in account_of]
    target = ctx.users * LEDGER_TRANSACTIONS_PER_USER

    def past() -> datetime:
        return ctx.past(LEDGER_DAYS)

    def declared(w: _LedgerWriter, kind: str, giver: int, receiver: int, key: str, reversals: list) -> None:
        state = rng.choices(*DECLARED_STATES)[0]
        minutes = rng.choice((15, 30, 30, 45, 60, 90))
        at = past()
        pk = w.add(
            kind,
            account_of[receiver],
            account_of[giver],
            minutes,
            key,
            at,
            state=state,
            beneficiary=giver,
            confirmer=receiver,
        )
        if state == LS.CONFIRMED and rng.randrange(LEDGER_REVERSAL_SHARE) == 0:
            reversals.append(pk)
            w.add(
                LK.REVERSAL,
                account_of[giver],
                account_of[receiver],
                minutes,
                f"reversal:{pk}",
                at + timedelta(days=rng.randrange(1, 10)),
                beneficiary=giver,
                reverses=pk,
                operator=rng.choice(staff),
            )

    with connection.cursor() as cursor, _large_sqlite_cache(cursor):
        w = _LedgerWriter(ctx, cursor)
        reversals: list[int] = []
        joined = dict(User.objects.filter(pk__in=new_owners).values_list("pk", "date_joined"))
        for owner in new_owners:
            at = max(joined[owner], ctx.now - timedelta(days=LEDGER_DAYS))
            w.add(LK.WELCOME, commons, account_of[owner], 60, f"welcome:{owner}", at, beneficiary=owner)
        for pk, apprentice, mentor, minutes, confirmed in sessions:
            w.add(
                LK.MENTORING,
                account_of[apprentice],
                account_of[mentor],
                minutes,
                f"mentoring:{pk}",
                confirmed or past(),
                beneficiary=mentor,
                confirmer=apprentice,
                evidence=(session_type, pk),
            )
        for pk, member, published in won:
            w.add(
                LK.MISSION,
                account_of[member],
                commons,
                60,
                f"mission:{pk}:{member}",
                (published or past()) + timedelta(days=rng.randrange(1, 20)),
                beneficiary=member,
                evidence=(mission_type, pk),
            )

        # bench-apprenti and bench-compagnon: a few hundred entries each (bench-compagnon mentors bench-apprenti).
        for n in range(200):
            w.add(
                LK.MENTORING,
                account_of[apprentice_bench],
                account_of[compagnon_bench],
                rng.choice((45, 60, 90)),
                f"scale:bench-mentoring:{n}",
                past(),
                beneficiary=compagnon_bench,
                confirmer=apprentice_bench,
            )
        for n in range(150):
            apprentice = rng.choice(apprentices)
            w.add(
                LK.MENTORING,
                account_of[apprentice],
                account_of[compagnon_bench],
                rng.choice((45, 60, 90)),
                f"scale:bench-mentored:{n}",
                past(),
                beneficiary=compagnon_bench,
                confirmer=apprentice,
            )
        for n in range(30):
            w.add(
                LK.MISSION,
                account_of[compagnon_bench],
                commons,
                60,
                f"scale:bench-mission:{n}",
                past(),
                beneficiary=compagnon_bench,
            )
        for n in range(40):
            kind = LK.COACHING if n % 2 else LK.COMMUNITY
            declared(w, kind, compagnon_bench, rng.choice(members), f"scale:bench-given:{n}", reversals)
            declared(w, kind, apprentice_bench, rng.choice(apprentices), f"scale:bench-helped:{n}", reversals)
        for n in range(12):  # waiting for bench-apprenti's, then bench-compagnon's, confirmation
            for giver, receiver in ((compagnon_bench, apprentice_bench), (rng.choice(compagnons), compagnon_bench)):
                w.add(
                    LK.COACHING,
                    account_of[receiver],
                    account_of[giver],
                    30,
                    f"scale:bench-pending:{receiver}:{n}",
                    ctx.now - timedelta(days=n),
                    state=LS.PENDING,
                    beneficiary=giver,
                    confirmer=receiver,
                )

        remaining = target - (w.next_id - w.first_id)
        kinds = rng.choices(*LEDGER_KINDS, k=max(0, remaining))
        for n, kind in enumerate(kinds):
            key = f"scale:{kind}:{n}"
            if kind == LK.MENTORING:
                if pairs and rng.random() < 0.3:  # a mentorship on record, or an earlier one
                    apprentice, mentor = rng.choice(pairs)
                else:
                    apprentice, mentor = rng.choice(apprentices), rng.choice(compagnons)
                w.add(
                    kind,
                    account_of[apprentice],
                    account_of[mentor],
                    rng.choice((30, 45, 60, 60, 90, 120)),
                    key,
                    past(),
                    beneficiary=mentor,
                    confirmer=apprentice,
                )
            elif kind in (LK.COACHING, LK.COMMUNITY):
                giver = rng.choice(compagnons) if rng.random() < 0.8 else rng.choice(members)
                receiver = rng.choice(members)
                while receiver == giver:
                    receiver = rng.choice(members)
                declared(w, kind, giver, receiver, key, reversals)
            elif kind == LK.REVIEW:
                reviewer, reviewed = rng.choice(compagnons), rng.choice(apprentices)
                w.add(kind, account_of[reviewed], account_of[reviewer], 30, key, past(), beneficiary=reviewer)
            elif kind == LK.MISSION:
                member = rng.choice(compagnons)
                w.add(kind, account_of[member], commons, 60, key, past(), beneficiary=member)
            elif kind == LK.LEAD:
                member = rng.choice(members)
                w.add(kind, commons, account_of[member], 60, key, past(), beneficiary=member)
            else:  # a staff adjustment, either way
                member = rng.choice(members)
                source, target_account = (commons, account_of[member])
                if rng.random() < 0.3:
                    source, target_account = target_account, source
                w.add(
                    kind,
                    source,
                    target_account,
                    rng.choice((30, 60, 120)),
                    key,
                    past(),
                    beneficiary=member,
                    operator=rng.choice(staff),
                )
        w.mark_reversed(reversals)
    _refresh_cached_balances()
    return rows + w.count
