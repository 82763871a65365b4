from django.core.exceptions import PermissionDenied


def is_team(user) -> bool:
    """Formateurs and coordinateurs (the staff role keeps `is_staff` in step)."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def require_team(user) -> None:
    if not is_team(user):
        raise PermissionDenied
