"""Who may see and do what around the chef-d'œuvre and the jury. `can_<verb>_<thing>(user, obj) -> bool`;
`get_<thing>_for_<role>(user, pk)` fetches and checks rights in one step (404 for anyone else). « Team member » is
core.permissions.is_team; a jury's insiders are its members and the team."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from compagnons.accounts.models import User
from compagnons.apprenticeship.pairing import is_mentor_of
from compagnons.certification.models import Candidacy, Decision, JurySession, Masterpiece
from compagnons.core.permissions import is_team, require_team


def sits_on(user: User, session: JurySession) -> bool:
    return session.members.filter(user=user).exists()


def can_see_jury(user: User, session: JurySession) -> bool:
    """Grids, deliberations and minutes: that jury's members and the team only."""
    return is_team(user) or sits_on(user, session)


def can_see_decision(user: User, decision: Decision) -> bool:
    """The candidate, that jury's members and the team."""
    return user.pk == decision.candidate_id or can_see_jury(user, decision.candidacy.session)


def can_answer_appeal(user: User, decision: Decision) -> bool:
    """The team answers an appeal (never the candidate themself, even a team member)."""
    return is_team(user) and user.pk != decision.candidate_id


def can_confirm_ready(user: User, masterpiece: Masterpiece) -> bool:
    """The candidate's current mentor."""
    return is_mentor_of(user, masterpiece.candidate)


def get_session_for_insider(user: User, pk: int) -> JurySession:
    session = get_object_or_404(JurySession.objects.select_related("certification"), pk=pk)
    if not can_see_jury(user, session):
        raise Http404
    return session


def get_decision_for_viewer(user: User, pk: int) -> Decision:
    decision = get_object_or_404(
        Decision.objects.select_related("candidate", "candidacy__session", "candidacy__masterpiece"), pk=pk
    )
    if not can_see_decision(user, decision):
        raise Http404
    return decision


def get_masterpiece_for_mentor(user: User, pk: int) -> Masterpiece:
    masterpiece = get_object_or_404(Masterpiece.objects.select_related("candidate"), pk=pk)
    if not can_confirm_ready(user, masterpiece):
        raise Http404
    return masterpiece


def get_candidacy_for_staff(user: User, pk: int) -> Candidacy:
    """The team only (403 for anyone else, as every /equipe/ page)."""
    require_team(user)
    return get_object_or_404(
        Candidacy.objects.select_related("masterpiece__candidate", "masterpiece__certification", "session"), pk=pk
    )
