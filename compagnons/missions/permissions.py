"""Fetch and check rights in one step: 404 for anyone else."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from compagnons.apprenticeship.pairing import is_mentor_of
from compagnons.missions.models import Application, Mission

PUBLIC = (Mission.Status.PUBLISHED,)


def is_party(user, mission: Mission) -> bool:
    chosen = mission.chosen
    return user.is_authenticated and (
        user.pk == mission.client_id or bool(chosen and user.pk in (chosen.applicant_id, chosen.partner_id))
    )


def get_mission_for_viewer(user, pk: int) -> Mission:
    mission = get_object_or_404(Mission.objects.select_related("client", "trade", "chosen"), pk=pk)
    if mission.status in PUBLIC or is_party(user, mission) or (user.is_authenticated and user.is_formateur):
        return mission
    raise Http404


def get_mission_for_client(user, pk: int) -> Mission:
    return get_object_or_404(Mission.objects.select_related("chosen"), pk=pk, client=user)


def get_mission_for_party(user, pk: int) -> Mission:
    mission = get_object_or_404(Mission.objects.select_related("client", "chosen__applicant", "chosen__partner"), pk=pk)
    if not is_party(user, mission):
        raise Http404
    return mission


def can_see_application(user, application: Application) -> bool:
    """The applicant, their binôme partner, the mission's client (once sent) and the applicant's mentor."""
    if not user.is_authenticated:
        return False
    if user.pk in (application.applicant_id, application.partner_id):
        return True
    if user.pk == application.mission.client_id:
        return application.status != Application.Status.DRAFT
    return is_mentor_of(user, application.applicant)


def get_application_for_viewer(user, pk: int) -> Application:
    application = get_object_or_404(Application.objects.select_related("mission", "applicant", "partner"), pk=pk)
    if not can_see_application(user, application):
        raise Http404
    return application


def can_see_record(user, member) -> bool:
    """A member's record: themself, staff, and clients the member applied to."""
    if not user.is_authenticated:
        return False
    if user.pk == member.pk or user.is_formateur:
        return True
    return Application.objects.filter(
        applicant=member, mission__client=user, status__in=[*Application.OPEN, "chosen", "not_chosen"]
    ).exists()
