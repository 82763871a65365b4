"""`get_<thing>_for_<role>(user, pk)`: fetch and check rights in one step; 404 for anyone else."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from compagnons.accounts.models import User
from compagnons.apprenticeship.permissions import can_follow
from compagnons.core.permissions import is_team
from compagnons.quality.models import AuditExport, Complaint, Survey


def can_see_attendance(user: User, apprentice: User) -> bool:
    """Staff, the apprentice themself and their current mentor."""
    return can_follow(user, apprentice)


def get_apprentice_for_attendance(user: User, pk: int) -> User:
    apprentice = get_object_or_404(User, pk=pk, erased_at__isnull=True)
    if not can_see_attendance(user, apprentice):
        raise Http404
    return apprentice


def get_survey_for_person(user: User, pk: int) -> Survey:
    return get_object_or_404(Survey.objects.select_related("cohort", "mission"), pk=pk, person=user)


def get_complaint_for_staff(user: User, pk: int) -> Complaint:
    if not is_team(user):
        raise Http404
    return get_object_or_404(Complaint.objects.select_related("filer", "owner", "answered_by"), pk=pk)


def get_export_for_staff(user: User, pk: int) -> AuditExport:
    if not is_team(user):
        raise Http404
    return get_object_or_404(AuditExport.objects.select_related("apprentice", "requested_by"), pk=pk)
