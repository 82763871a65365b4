"""`get_<thing>_for_<role>(user, pk)`: fetch and check rights in one step; 404 for anyone else."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from compagnons.accounts.models import User
from compagnons.apprenticeship.models import Cohort, Evidence, MentoringSession, Mentorship, MentorshipRequest
from compagnons.apprenticeship.services import is_mentor_of


def can_follow(user: User, apprentice: User) -> bool:
    """The apprentice themself, their current mentor, and staff."""
    return user.is_authenticated and (user.pk == apprentice.pk or user.is_formateur or is_mentor_of(user, apprentice))


def get_apprentice_for_follower(user: User, pk: int) -> User:
    apprentice = get_object_or_404(User.objects.active(), pk=pk)
    if not can_follow(user, apprentice):
        raise Http404
    return apprentice


def get_evidence_for_viewer(user: User, pk: int) -> Evidence:
    evidence = get_object_or_404(Evidence.objects.select_related("apprentice"), pk=pk)
    if not can_follow(user, evidence.apprentice):
        raise Http404
    return evidence


def get_session_for_party(user: User, pk: int) -> MentoringSession:
    session = get_object_or_404(MentoringSession.objects.select_related("apprentice", "mentor"), pk=pk)
    if user.pk not in (session.apprentice_id, session.mentor_id) and not user.is_formateur:
        raise Http404
    return session


def get_mentorship_for_mentor(user: User, pk: int) -> Mentorship:
    return get_object_or_404(Mentorship.objects.active().select_related("apprentice"), pk=pk, mentor=user)


def get_request_for_compagnon(user: User, pk: int) -> MentorshipRequest:
    return get_object_or_404(MentorshipRequest.objects.select_related("apprentice"), pk=pk, compagnon=user)


def get_cohort_for_staff(user: User, pk: int) -> Cohort:
    if not user.is_formateur:
        raise Http404
    return get_object_or_404(Cohort.objects.select_related("certification", "formateur"), pk=pk)
