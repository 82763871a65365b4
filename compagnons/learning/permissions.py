"""Who may see and do what in learning."""

# --- Capsules --------------------------------------------------------------------------------------------


# --- Scenarios -------------------------------------------------------------------------------------------

from django.http import Http404

from compagnons.apprenticeship import pairing
from compagnons.learning.models import Run


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
