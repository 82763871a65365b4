"""Balances and the giving-back policy, read side: a balance derived from the movements that count, where a member
stands against the floor, and the kind word shown when the policy pauses their applications. No writes here."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext as _

from compagnons.accounts.models import User
from compagnons.ledger.models import Account, Movement


def balance(account: Account) -> int:
    """Derived from the movements that count (the cache is only a cache)."""
    return Movement.objects.counted().filter(account=account).aggregate(total=Sum("minutes"))["total"] or 0


def is_exempt(member: User) -> bool:
    """Apprentices on their path are exempt from the policy."""
    return member.is_apprentice


@dataclass
class Standing:
    balance: int
    floor: int
    below_floor: bool
    exempt: bool
    paused: bool


def standing(member: User, *, current: int | None = None) -> Standing:
    """Where the member stands; `current`: their balance when the caller has just derived it (report.summary)."""
    if current is None:
        account = Account.objects.filter(owner=member).first()
        current = balance(account) if account else 0
    exempt = is_exempt(member)
    below = not exempt and current < settings.LEDGER_BALANCE_FLOOR_MINUTES
    return Standing(
        balance=current,
        floor=settings.LEDGER_BALANCE_FLOOR_MINUTES,
        below_floor=below,
        exempt=exempt,
        paused=below and settings.LEDGER_PAUSE_APPLICATIONS_BELOW_FLOOR,
    )


def application_pause_reason(member: User) -> str | None:
    """When the policy pauses applications below the floor, the kind explanation shown to the member."""
    current = standing(member)
    if not current.paused:
        return None
    return _(
        "Vous avez reçu plus que vous n'avez donné : avant une nouvelle candidature, prenez le temps d'aider "
        "(accompagner un apprenti, relire une candidature, signaler une piste). Parlez-en avec un compagnon : "
        "il vous aidera à trouver comment."
    )
