"""Who may see or do what in the mission bank: `can_<verb>_<thing>(user, obj)` answers, `get_<thing>_for_<role>(user,
pk)` fetches and checks in one step (404 for anyone else). « Team member » is `core.permissions.is_team`."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from compagnons.accounts.models import User
from compagnons.apprenticeship.pairing import is_mentor_of
from compagnons.core.permissions import is_team
from compagnons.missions.models import Application, Delivery, Mission

PUBLIC = (Mission.Status.PUBLISHED,)


def is_party(user: User, mission: Mission) -> bool:
    """The mission's client, its chosen applicant and their binôme partner."""
    chosen = mission.chosen
    return user.is_authenticated and (
        user.pk == mission.client_id or bool(chosen and user.pk in (chosen.applicant_id, chosen.partner_id))
    )


def can_see_mission(user: User, mission: Mission) -> bool:
    """A published mission: everyone; any other: its parties and the team."""
    return mission.status in PUBLIC or is_party(user, mission) or is_team(user)


def can_post_missions(user: User) -> bool:
    """Clients post missions; the team too (for a client, or to try the form)."""
    return user.is_authenticated and (user.is_client or is_team(user))


def can_cancel_mission(user: User, mission: Mission) -> bool:
    """The client and the team (the service then says whether the mission's state still allows it)."""
    return user.is_authenticated and (user.pk == mission.client_id or is_team(user))


def can_apply_to_mission(user: User, mission: Mission) -> bool:
    """Apprentices and compagnons other than the client, while the mission is published."""
    return (
        user.is_authenticated
        and mission.status == Mission.Status.PUBLISHED
        and user.pk != mission.client_id
        and (user.is_apprentice or user.is_compagnon)
    )


def can_see_recommendations(user: User) -> bool:
    return user.is_authenticated and (user.is_apprentice or user.is_compagnon)


def get_mission_for_viewer(user: User, pk: int) -> Mission:
    mission = get_object_or_404(Mission.objects.select_related("client", "trade", "chosen"), pk=pk)
    if can_see_mission(user, mission):
        return mission
    raise Http404


def get_mission_for_client(user: User, pk: int) -> Mission:
    return get_object_or_404(Mission.objects.select_related("chosen"), pk=pk, client=user)


def get_mission_for_party(user: User, pk: int) -> Mission:
    mission = get_object_or_404(Mission.objects.select_related("client", "chosen__applicant", "chosen__partner"), pk=pk)
    if not is_party(user, mission):
        raise Http404
    return mission


def get_attributed_mission_for_party(user: User, pk: int) -> Mission:
    """The follow-up of an attributed mission: its parties only, once a member was chosen."""
    mission = get_mission_for_party(user, pk)
    if mission.chosen_id is None:
        raise Http404
    return mission


def get_mission_for_canceller(user: User, pk: int) -> Mission:
    mission = get_object_or_404(Mission, pk=pk)
    if not can_cancel_mission(user, mission):
        raise Http404
    return mission


def get_delivery_for_party(user: User, pk: int) -> Delivery:
    """A delivery with a file, for the mission's parties."""
    delivery = get_object_or_404(Delivery.objects.select_related("mission__chosen"), pk=pk)
    if not is_party(user, delivery.mission) or not delivery.file:
        raise Http404
    return delivery


def can_see_application(user: User, application: Application) -> bool:
    """The applicant, their binôme partner, the mission's client (once sent) and the applicant's mentor."""
    if not user.is_authenticated:
        return False
    if user.pk in (application.applicant_id, application.partner_id):
        return True
    if user.pk == application.mission.client_id:
        return application.status != Application.Status.DRAFT
    return is_mentor_of(user, application.applicant)


def get_application_for_viewer(user: User, pk: int) -> Application:
    application = get_object_or_404(Application.objects.select_related("mission", "applicant", "partner"), pk=pk)
    if not can_see_application(user, application):
        raise Http404
    return application


def can_see_record(user: User, member: User) -> bool:
    """A member's record: themself, the team, and clients the member applied to."""
    if not user.is_authenticated:
        return False
    if user.pk == member.pk or is_team(user):
        return True
    return Application.objects.filter(
        applicant=member, mission__client=user, status__in=[*Application.OPEN, "chosen", "not_chosen"]
    ).exists()


def get_member_for_record_viewer(user: User, member_id: int) -> User:
    member = get_object_or_404(User.objects.active(), pk=member_id)
    if not can_see_record(user, member):
        raise Http404
    return member
