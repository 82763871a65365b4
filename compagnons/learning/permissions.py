"""Who may see and do what in learning."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from compagnons.apprenticeship import pairing
from compagnons.core.permissions import is_team, require_team
from compagnons.learning.models import Run

# --- Capsules --------------------------------------------------------------------------------------------


def can_author_capsules(user) -> bool:
    """The team writes, previews, publishes, archives, imports and exports capsules."""
    return is_team(user)


def require_capsule_author(user) -> None:
    require_team(user)


def get_capsule_for_viewer(user, slug: str):
    """A published capsule for a member; any capsule for the team (a draft is theirs to preview). 404 otherwise."""
    from compagnons.learning.capsules import visible

    return get_object_or_404(visible(user), slug=slug)


def get_capsule_for_author(user, pk: int):
    from compagnons.learning.models import Capsule

    require_team(user)
    return get_object_or_404(Capsule, pk=pk)


def get_attempt_for_member(user, capsule, token):
    from compagnons.learning.models import Attempt

    return get_object_or_404(
        Attempt.objects.select_related("progress"), token=token, progress__member=user, progress__capsule=capsule
    )


# --- Scenarios -------------------------------------------------------------------------------------------


def _run(pk: int) -> Run:
    run = Run.objects.select_related("member", "version__scenario", "current", "ending").filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


def can_read_run(user, run: Run) -> bool:
    """The member who played it; their active mentor once it is finished and shared."""
    if not user.is_authenticated:
        return False
    if run.member_id == user.pk:
        return True
    return can_debrief_run(user, run)


def can_debrief_run(user, run: Run) -> bool:
    return bool(
        user.is_authenticated
        and run.finished_at is not None
        and run.shared
        and run.member_id != user.pk
        and pairing.is_mentor_of(user, run.member)
    )


def get_run_for_member(user, pk: int) -> Run:
    """The member's own run (404 for anyone else)."""
    run = _run(pk)
    if run.member_id != user.pk:
        raise Http404
    return run


def get_run_for_reader(user, pk: int) -> Run:
    """A run its member or their mentor may read (404 for anyone else)."""
    run = _run(pk)
    if not can_read_run(user, run):
        raise Http404
    return run


def get_run_for_mentor(user, pk: int) -> Run:
    run = _run(pk)
    if not can_debrief_run(user, run):
        raise Http404
    return run
