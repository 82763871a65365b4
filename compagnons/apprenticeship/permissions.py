"""Who may see and do what on the path. `can_<verb>_<thing>(user, …) -> bool`; `get_<thing>_for_<role>(user, pk)`
fetches and checks rights in one step (404 for anyone else). « Team member » is core.permissions.is_team."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from compagnons.accounts.models import User
from compagnons.apprenticeship.models import (
    AdoptionPiece,
    Cohort,
    Enrollment,
    Evidence,
    MentoringSession,
    Mentorship,
    MentorshipRequest,
    PlanGoal,
    PlanStep,
)
from compagnons.apprenticeship.pairing import is_mentor_of
from compagnons.core.permissions import is_team, require_team


def can_follow(user: User, apprentice: User) -> bool:
    """The apprentice themself, their current mentor, and the team."""
    return user.is_authenticated and (user.pk == apprentice.pk or is_team(user) or is_mentor_of(user, apprentice))


def can_edit_plan(user: User, apprentice: User) -> bool:
    """Whoever follows the apprentice edits their plan: the apprentice, their current mentor, the team."""
    return can_follow(user, apprentice)


def can_review_evidence(user: User, evidence: Evidence) -> bool:
    """Only the apprentice's current mentor validates evidence or asks for changes."""
    return is_mentor_of(user, evidence.apprentice)


def can_ask_for_mentor(user: User) -> bool:
    return user.is_authenticated and user.is_apprentice


def can_deposit_evidence(user: User) -> bool:
    """Apprentices deposit their own evidence."""
    return user.is_authenticated and user.is_apprentice


def can_answer_requests(user: User) -> bool:
    return user.is_authenticated and user.is_compagnon


def can_record_adoption(user: User, apprentice: User) -> bool:
    """The mentor or the team, never the apprentice themself."""
    return user.pk != apprentice.pk and can_follow(user, apprentice)


def get_apprentice_for_follower(user: User, pk: int) -> User:
    # one's own plan or carnet: the signed-in member is already loaded (the same rules: active, not erased)
    if user.pk == pk and user.is_active and user.erased_at is None:
        apprentice = user
    else:
        apprentice = get_object_or_404(User.objects.active(), pk=pk)
    if not can_follow(user, apprentice):
        raise Http404
    return apprentice


def get_apprentice_for_adoption(user: User, pk: int) -> User:
    apprentice = get_apprentice_for_follower(user, pk)
    if not can_record_adoption(user, apprentice):
        raise Http404
    return apprentice


def get_goal_for_follower(user: User, pk: int) -> PlanGoal:
    goal = get_object_or_404(PlanGoal.objects.select_related("apprentice"), pk=pk)
    if not can_follow(user, goal.apprentice):
        raise Http404
    return goal


def get_step_for_follower(user: User, pk: int) -> PlanStep:
    step = get_object_or_404(PlanStep.objects.select_related("goal__apprentice"), pk=pk)
    if not can_follow(user, step.goal.apprentice):
        raise Http404
    return step


def get_evidence_for_viewer(user: User, pk: int) -> Evidence:
    evidence = get_object_or_404(Evidence.objects.select_related("apprentice"), pk=pk)
    if not can_follow(user, evidence.apprentice):
        raise Http404
    return evidence


def get_session_for_party(user: User, pk: int) -> MentoringSession:
    session = get_object_or_404(MentoringSession.objects.select_related("apprentice", "mentor"), pk=pk)
    if user.pk not in (session.apprentice_id, session.mentor_id) and not is_team(user):
        raise Http404
    return session


def get_session_for_apprentice(user: User, pk: int) -> MentoringSession:
    """A session the apprentice signs or disputes: theirs only."""
    return get_object_or_404(MentoringSession.objects.select_related("apprentice", "mentor"), pk=pk, apprentice=user)


def get_mentorship_for_mentor(user: User, pk: int) -> Mentorship:
    return get_object_or_404(Mentorship.objects.active().select_related("apprentice"), pk=pk, mentor=user)


def get_request_for_compagnon(user: User, pk: int) -> MentorshipRequest:
    return get_object_or_404(MentorshipRequest.objects.select_related("apprentice"), pk=pk, compagnon=user)


def get_cohort_for_staff(user: User, pk: int) -> Cohort:
    """The team only (403 for anyone else, as every /equipe/ page)."""
    require_team(user)
    return get_object_or_404(Cohort.objects.select_related("certification", "formateur"), pk=pk)


def get_enrollment_for_staff(user: User, pk: int) -> Enrollment:
    """The team only (403 for anyone else, as every /equipe/ page)."""
    require_team(user)
    return get_object_or_404(Enrollment.objects.select_related("member", "cohort"), pk=pk)


def get_adoption_piece_for_staff(user: User, pk: int) -> AdoptionPiece:
    require_team(user)
    return get_object_or_404(AdoptionPiece.objects.select_related("enrollment"), pk=pk)
