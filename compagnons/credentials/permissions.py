"""Who may do what with credentials. Verifying one is open to anyone; only the team revokes one or rotates the key."""

from compagnons.core.permissions import is_team


def can_revoke(user) -> bool:
    return is_team(user)


def can_manage_houses(user) -> bool:
    """Registering another house makes its credentials verify here: the team's decision."""
    return is_team(user)
