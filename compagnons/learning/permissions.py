"""Who may see and do what in learning."""

# --- Capsules --------------------------------------------------------------------------------------------

from django.shortcuts import get_object_or_404 as _get_object_or_404

from compagnons.core.permissions import is_team as _is_team
from compagnons.core.permissions import require_team as _require_team


def can_author_capsules(user) -> bool:
    """The team writes, previews, publishes, archives, imports and exports capsules."""
    return _is_team(user)


def require_capsule_author(user) -> None:
    _require_team(user)


def get_capsule_for_viewer(user, slug: str):
    """A published capsule for a member; any capsule for the team (a draft is theirs to preview). 404 otherwise."""
    from compagnons.learning.capsules import visible

    return _get_object_or_404(visible(user), slug=slug)


def get_capsule_for_author(user, pk: int):
    from compagnons.learning.models import Capsule

    _require_team(user)
    return _get_object_or_404(Capsule, pk=pk)


def get_attempt_for_member(user, capsule, token):
    from compagnons.learning.models import Attempt

    return _get_object_or_404(
        Attempt.objects.select_related("progress"), token=token, progress__member=user, progress__capsule=capsule
    )


# --- Scenarios -------------------------------------------------------------------------------------------
