"""Property-based tests of the ledger (issue 23, hypothesis): whatever the sequence of postings, repeated postings,
confirmations, refusals and reversals, every transaction stays balanced and every cached balance equals the sum of
the counted movements of its account (what `ledger_audit` checks)."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compagnons.core.exceptions import Refused
from compagnons.ledger import services
from compagnons.ledger.models import Account, Movement, Transaction
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MEMBERS = 3

member = st.integers(min_value=0, max_value=MEMBERS - 1)
operation = st.one_of(
    st.tuples(
        st.just("post"),
        member,
        member,
        st.integers(min_value=-5, max_value=600),  # zero and negatives must be refused
        st.booleans(),
        st.integers(min_value=0, max_value=5),  # a small pool of keys: repeated postings happen
    ),
    st.tuples(st.just("confirm"), st.integers(min_value=0, max_value=20), member),
    st.tuples(st.just("decline"), st.integers(min_value=0, max_value=20), member),
    st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=20)),
)


class Rollback(Exception):
    pass


@pytest.fixture
def people(db):
    return [UserFactory() for _ in range(MEMBERS)], UserFactory(formateur=True)


def apply(operation, members, staff, posted) -> None:
    name, *args = operation
    if name == "post":
        a, b, minutes, confirmed, key = args
        posted.append(
            services.post(
                "community",
                from_account=services.account_of(members[a]),
                to_account=services.account_of(members[b]),
                minutes=minutes,
                idempotency_key=f"propriete:{key}",
                beneficiary=members[b],
                confirmer=members[a],
                confirmed=confirmed,
            )
        )
    elif posted:
        tx = posted[args[0] % len(posted)]
        if name == "confirm":
            services.confirm(tx, by=members[args[1]])
        elif name == "decline":
            services.decline(tx, by=members[args[1]])
        else:
            posted.append(services.reverse(tx, by=staff, reason="Erreur de saisie"))


def assert_invariants() -> None:
    unbalanced = Transaction.objects.annotate(total=Sum("movements__minutes"), n=Count("movements")).exclude(
        total=0, n=2
    )
    assert not unbalanced.exists(), list(unbalanced.values("pk", "total", "n"))
    sums = dict(
        Movement.objects.counted().values("account_id").annotate(s=Sum("minutes")).values_list("account_id", "s")
    )
    for pk, cached in Account.objects.values_list("pk", "cached_balance"):
        assert cached == sums.get(pk, 0), (pk, cached, sums.get(pk, 0))
    for tx in Transaction.objects.filter(kind="reversal"):
        assert tx.reverses.state == "reversed"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, max_size=25))
def test_any_sequence_keeps_the_ledger_balanced_and_the_balances_true(people, operations):
    members, staff = people
    try:
        with transaction.atomic():  # each example starts from the same ledger
            posted: list[Transaction] = []
            for op in operations:
                try:
                    with transaction.atomic():
                        apply(op, members, staff, posted)
                except Refused:
                    pass  # refused with a reason: the ledger is left as it was
                assert_invariants()
            call_command("ledger_audit", stdout=io.StringIO())  # CommandError on any fault
            raise Rollback
    except Rollback:
        pass
