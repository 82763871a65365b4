"""Who may see and answer what in the contributions ledger. `get_<thing>_for_<role>(user, pk)` fetches and checks
rights in one step (404 for anyone else; 403 on the team's pages for anyone outside the team)."""

from django.shortcuts import get_object_or_404

from compagnons.accounts.models import User
from compagnons.core.permissions import require_team
from compagnons.ledger.models import Account, Transaction


def can_answer_help(user: User, tx: Transaction) -> bool:
    """Only the person helped confirms or declines a declared help."""
    return user.is_authenticated and user.pk == tx.confirmer_id


def get_help_for_confirmer(user: User, pk: int) -> Transaction:
    return get_object_or_404(Transaction, pk=pk, confirmer=user)


def get_member_for_staff(user: User, pk: int) -> User:
    require_team(user)
    return get_object_or_404(User, pk=pk)


def get_transaction_of_account_for_staff(user: User, pk: int, account: Account) -> Transaction:
    require_team(user)
    return get_object_or_404(Transaction.objects.distinct(), pk=pk, movements__account=account)
